import { gatherRawValues, loadConfigFile, type ConfigSources, type RawValue } from "./read-config";
import { defaultTextOf, PORT_REGIONS, SETTINGS, type SettingName, type SettingSpec } from "./settings";

/** One setting as `etl config` shows it: what it is, and where that came from. */
export interface EffectiveSetting {
  readonly name: SettingName;
  /** The name users set it by: its first environment variable, else its flag. */
  readonly label: string;
  /** The value as text; for a secret only whether it is set, never the value. */
  readonly value: string;
  /** The variable, flag or `file: key` that set it, or `default` (`not set` when it has no default). */
  readonly source: string;
  readonly secret: boolean;
  /** Why the value given is refused, when it is. */
  readonly problem?: string;
}

function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(",");
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** What `etl config` shows for one setting, given the raw value found for it (undefined: none). Pure. */
export function describeSetting(name: SettingName, raw: RawValue | undefined): EffectiveSetting {
  const spec: SettingSpec = SETTINGS[name];
  const label = spec.env[0] ?? spec.flag ?? name;
  const secret = spec.secret ?? false;
  if (raw === undefined) {
    const hasDefault = spec.default !== undefined || spec.defaultText !== undefined;
    return { name, label, value: hasDefault ? defaultTextOf(spec) : "-", source: hasDefault ? "default" : "not set", secret };
  }
  const parsed = spec.schema.safeParse(raw.value);
  // A refused secret is not quoted either: it may be the right secret in the wrong variable.
  const shown = secret ? "set" : parsed.success ? showValue(parsed.data) : showValue(raw.value);
  return {
    name,
    label,
    value: shown,
    source: raw.source,
    secret,
    ...(parsed.success ? {} : { problem: parsed.error.issues.map((issue) => issue.message).join("; ") }),
  };
}

/**
 * Every setting, in SETTINGS' order, with its effective value and source, read from the same flags,
 * environment and config file as readConfig and by the same precedence. Sources that cannot be read
 * (a missing --config file) are left out here: readConfig reports them.
 */
export function listEffectiveSettings(sources: ConfigSources): EffectiveSetting[] {
  const file = loadConfigFile(sources, []);
  const raw = gatherRawValues(sources, file.document, file.label, []);
  const settings = (Object.keys(SETTINGS) as SettingName[]).map((name) => describeSetting(name, raw.get(name)));
  // Port's URL follows the region unless set: show the URL the region gives.
  const region = raw.get("portRegion") ? SETTINGS.portRegion.schema.safeParse(raw.get("portRegion")?.value) : undefined;
  const regionName = region?.success ? region.data : SETTINGS.portRegion.default;
  return settings.map((setting) =>
    setting.name === "portBaseUrl" && setting.source === "default" ? { ...setting, value: PORT_REGIONS[regionName], source: `default (region ${regionName})` } : setting,
  );
}
