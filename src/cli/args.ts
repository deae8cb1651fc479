import { parseArgs } from "node:util";
import type { ConfigFlags } from "../config/read-config";
import { isSwitchFlag, SETTINGS, type FlagSettingName, type SettingSpec } from "../config/settings";
import { ConfigError } from "../errors";
import { COMMAND_NAMES, COMMAND_OPTIONS, COMMANDS, type Command } from "../pipeline/commands";


export interface CommandLine {
  readonly command: Command;
  readonly configFlags: ConfigFlags;
  readonly only: readonly string[] | undefined;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly allowMassDelete: boolean;
  readonly reconcile: boolean;
  readonly fullRefresh: boolean;
  readonly adoptPort: boolean;
  readonly deleteRemovedResources: boolean;
  readonly blueprintsOut: string | undefined;
  readonly mappingOut: string | undefined;
  readonly runs: number;
}

// Flags that would put a credential in `ps` output and shell history.
const SECRET_FLAGS = ["token", "api-key", "apikey", "client-secret", "password", "secret", "api-token"];

const FLAG_SETTINGS = (Object.entries(SETTINGS) as [FlagSettingName, SettingSpec & { flag: string }][]).filter(([, spec]) => spec.flag !== undefined);

/** The flag of a setting as parseArgs names it: `--ca-file` → `ca-file`. */
type FlagOptions = {
  readonly [K in FlagSettingName as (typeof SETTINGS)[K]["flag"] extends `--${infer Name}` ? Name : never]: {
    readonly type: (typeof SETTINGS)[K] extends { readonly default: boolean } ? "boolean" : "string";
  };
};

// Every flag: --config, the settings' flags (from SETTINGS) and the commands' options (from COMMAND_OPTIONS).
const OPTIONS = {
  config: { type: "string" },
  ...(Object.fromEntries(FLAG_SETTINGS.map(([, spec]) => [spec.flag.slice(2), { type: isSwitchFlag(spec) ? "boolean" : "string" }])) as FlagOptions),
  ...COMMAND_OPTIONS,
} as const;

/** Parses the arguments after `etl`. Throws ConfigError (exit 2) for unknown commands or flags, and for secrets passed as flags. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const secretFlag = argv.find((arg) => SECRET_FLAGS.includes(arg.replace(/^--?/, "").split("=")[0]?.toLowerCase() ?? ""));
  if (secretFlag) {
    throw new ConfigError([
      `${secretFlag.split("=")[0]}: secrets are never accepted on the command line (they would show in ps and shell history); ` +
        "set OCEAN__INTEGRATION__SECRETS__TOKEN / OCEAN__PORT__CLIENT_SECRET in the environment, or name a file with …_FILE",
    ]);
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError([`${(error as Error).message} (see etl help)`]);
  }
  const { values, positionals } = parsed;
  const [first, ...extra] = positionals;
  const command = values.help ? "help" : (first ?? "help");
  if (!(COMMAND_NAMES as readonly string[]).includes(command)) {
    // The word is not echoed: a mistyped line may carry a secret where the command should be.
    throw new ConfigError([`unknown command (commands: ${COMMAND_NAMES.join(", ")})`]);
  }
  if (extra.length > 0) throw new ConfigError([`unexpected argument after the command ${command} (see etl help)`]);
  const runs = values.runs === undefined ? 10 : Number(values.runs);
  if (!Number.isInteger(runs) || runs <= 0) throw new ConfigError([`--runs: must be a positive whole number, got ${values.runs}`]);
  const only = values.only?.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  return {
    command: command as Command,
    configFlags: {
      config: values.config,
      ...(Object.fromEntries(FLAG_SETTINGS.map(([name, spec]) => [name, values[spec.flag.slice(2) as keyof typeof values]])) as Omit<ConfigFlags, "config">),
    },
    only: only && only.length > 0 ? only : undefined,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    allowMassDelete: values["allow-mass-delete"] ?? false,
    reconcile: values.reconcile ?? false,
    fullRefresh: values["full-refresh"] ?? false,
    adoptPort: values["adopt-port"] ?? false,
    deleteRemovedResources: values["delete-removed-resources"] ?? false,
    blueprintsOut: values["blueprints-out"],
    mappingOut: values["mapping-out"],
    runs,
  };
}

export const USAGE = `incidentio-port-etl: keeps Port's software catalog in sync with Incident.io

Usage: pnpm etl <command> [options]

Commands:
${COMMAND_NAMES.map((name) => `  ${name.padEnd(12)}${COMMANDS[name].summary}`).join("\n")}

Options:
  --config FILE          YAML config file (Helm-style keys; env vars override it)
  --db FILE              staging SQLite file (default ./etl.sqlite; env ETL_DB)
  --mapping FILE         mapping in Port's port-app-config.yml format (default resources/port-app-config.yml)
  --blueprints FILE      blueprints JSON (default resources/blueprints.json)
  --only KINDS           narrow to kinds, short names or blueprints (comma-separated or repeated)
  --json                 print the summary as one JSON document (progress goes to stderr)
  --allow-mass-delete    delete even when a blueprint's deletions exceed entityDeletionThreshold
  --reconcile            rebuild the snapshot of Port from Port itself before planning (repairs hand edits)
  --full-refresh         extract incidents and follow-ups in full now (only a full extract sees deletions), and reconcile
  --adopt-port           the staging file synced with another Port: bind it to the Port configured now and reconcile
  --delete-removed-resources  delete the entities of resources no longer in the mapping (threshold rules apply)
  --ca-file FILE         extra CA certificates (PEM) to trust
  --insecure             skip TLS verification (dangerous)
  --runs N               how many runs status shows (default 10)
  -v, --verbose          print error causes
Settings come from Ocean's environment variables (OCEAN__INTEGRATION__CONFIG__BASE_URL, OCEAN__PORT__CLIENT_ID, ...);
secrets only from the environment or files, never from flags. See the README for every setting.

Exit codes: 0 success (or interrupted by a signal), 1 a stage failed, 2 bad configuration (refused credentials,
an unreachable host or an unusable --db included), 130/143 a second SIGINT/SIGTERM (stops at once).`;
