import { parseArgs } from "node:util";
import type { ConfigFlags } from "../config/read-config";
import { isSwitchFlag, SETTINGS, type FlagSettingName, type SettingSpec } from "../config/settings";
import { ConfigError } from "../errors";
import { nearestName } from "../nearest-name";
import { COMMAND_NAMES, COMMAND_OPTIONS, COMMANDS, type Command } from "../pipeline/commands";

export interface CommandLine {
  readonly command: Command;
  /** The command `etl help <command>` or `etl <command> --help` asks about; undefined for the overview. */
  readonly helpTopic: Command | undefined;
  readonly configFlags: ConfigFlags;
  readonly only: readonly string[] | undefined;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly allowMassDelete: boolean;
  readonly reconcile: boolean;
  readonly fullRefresh: boolean;
  readonly adoptPort: boolean;
  readonly deleteRemovedResources: boolean;
  readonly pushMapping: boolean;
  readonly blueprintsOut: string | undefined;
  readonly mappingOut: string | undefined;
  readonly runs: number;
  /** How many planned changes plan lists (--limit); undefined when not given. */
  readonly limit: number | undefined;
  /** Every planned change is listed: --all, or --json, which is never cut. */
  readonly all: boolean;
  readonly keep: boolean;
}

// Flags that would put a credential in `ps` output and shell history.
const SECRET_FLAGS = ["token", "api-key", "apikey", "client-secret", "password", "secret", "api-token", "webhook-secret", "signing-secret"];

// What plan lists on a terminal when neither --limit nor --all says: a screenful. Off a terminal (a file,
// a pipe) the list is whole, since nobody scrolls it and a cut list would lose changes silently.
const DEFAULT_PLAN_LIMIT = 20;

/** How many planned changes to list: Infinity for every one. */
export function planLimit(cli: Pick<CommandLine, "limit" | "all">, onTerminal: boolean): number {
  if (cli.all) return Number.POSITIVE_INFINITY;
  return cli.limit ?? (onTerminal ? DEFAULT_PLAN_LIMIT : Number.POSITIVE_INFINITY);
}

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
type OptionName = keyof typeof OPTIONS;
const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];
const SHORT_OPTIONS: Readonly<Record<string, OptionName>> = Object.fromEntries(
  OPTION_NAMES.flatMap((name) => {
    const short = (OPTIONS[name] as { short?: string }).short;
    return short ? [[short, name]] : [];
  }),
);
// Every command takes these besides its own options.
const COMMON_OPTIONS: readonly OptionName[] = ["config", ...FLAG_SETTINGS.map(([, spec]) => spec.flag.slice(2) as OptionName), "verbose", "help"];

// A mistyped line may carry a secret where a command or flag should be: only a word that reads like one is echoed.
const PLAUSIBLE_COMMAND = /^[a-z][a-z-]{0,19}$/;
const PLAUSIBLE_FLAG = /^--[a-z][a-z0-9-]{0,29}$/;

/** The message for a command word that is not a command: it names the word only when it is close to one. */
function describeUnknownCommand(word: string): string {
  const nearest = PLAUSIBLE_COMMAND.test(word) ? nearestName(word, COMMAND_NAMES) : undefined;
  const known = `commands: ${COMMAND_NAMES.join(", ")}`;
  return nearest ? `unknown command "${word}": did you mean ${nearest}? (${known})` : `unknown command (${known})`;
}

/** The message for a flag no command takes: like a command word, it is named only when it reads like a flag and is close to one. */
function describeUnknownFlag(flag: string): string {
  const nearest = PLAUSIBLE_FLAG.test(flag) ? nearestName(flag.slice(2), OPTION_NAMES) : undefined;
  return nearest ? `unknown flag ${flag}: did you mean --${nearest}? (see etl help)` : "unknown flag (see etl help for the flags)";
}

/**
 * Checks each flag before parseArgs does, so that the message can name the nearest flag (parseArgs only
 * says "Unknown option"). Values of flags that take one are skipped, whatever they look like.
 */
function findUnknownFlags(argv: readonly string[]): string[] {
  const issues: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    if (arg.startsWith("--")) {
      const [name = "", value] = arg.slice(2).split("=", 2);
      const known = OPTION_NAMES.includes(name as OptionName) ? (name as OptionName) : undefined;
      if (!known) issues.push(describeUnknownFlag(`--${name}`));
      else if (OPTIONS[known].type === "string" && value === undefined) i += 1;
      continue;
    }
    const shorts = [...arg.slice(1)];
    if (!shorts.every((letter) => SHORT_OPTIONS[letter] !== undefined)) issues.push(describeUnknownFlag(arg));
  }
  return issues;
}

/** The flags given that `command` does not take (`etl status --reconcile`), as parseArgs returned them. */
function findMisplacedFlags(command: Command, given: readonly string[]): string[] {
  const takes = new Set<string>([...COMMON_OPTIONS, ...COMMANDS[command].options]);
  return given
    .filter((name) => !takes.has(name))
    .map((name) => `--${name} is not an option of ${command} (see etl help ${command})`);
}

function parsePositiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new ConfigError([`${flag}: must be a positive whole number, got ${value}`]);
  return number;
}

/** Parses the arguments after `etl`. Throws ConfigError (exit 2) for unknown commands or flags, and for secrets passed as flags. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const secretFlag = argv.find((arg) => SECRET_FLAGS.includes(arg.replace(/^--?/, "").split("=")[0]?.toLowerCase() ?? ""));
  if (secretFlag) {
    throw new ConfigError([
      `${secretFlag.split("=")[0]}: secrets are never accepted on the command line (they would show in ps and shell history); ` +
        "set OCEAN__INTEGRATION__SECRETS__TOKEN / OCEAN__PORT__CLIENT_SECRET / ETL_WEBHOOK_SECRET in the environment, or name a file with …_FILE",
    ]);
  }
  const unknownFlags = findUnknownFlags(argv);
  if (unknownFlags.length > 0) throw new ConfigError(unknownFlags);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError([`${(error as Error).message} (see etl help)`]);
  }
  const { values, positionals } = parsed;
  const [first = "help", ...extra] = positionals;
  if (!(COMMAND_NAMES as readonly string[]).includes(first)) throw new ConfigError([describeUnknownCommand(first)]);
  let command = first as Command;
  let helpTopic: Command | undefined = values.help && first !== "help" && positionals.length > 0 ? command : undefined;
  if (command === "help" && extra.length > 0) {
    const [topic = "", ...more] = extra;
    if (!(COMMAND_NAMES as readonly string[]).includes(topic)) throw new ConfigError([describeUnknownCommand(topic)]);
    if (more.length > 0) throw new ConfigError(["help takes one command (see etl help)"]);
    helpTopic = topic as Command;
  } else if (extra.length > 0) throw new ConfigError([`unexpected argument after the command ${command} (see etl help ${command})`]);
  if (values.help) command = "help";
  if (command === "help") return { ...DEFAULTS, command, helpTopic };
  const misplaced = findMisplacedFlags(command, Object.keys(values));
  if (misplaced.length > 0) throw new ConfigError(misplaced);
  if (values.limit !== undefined && values.all) throw new ConfigError(["--limit and --all: give one (--all lists every change)"]);
  const only = values.only?.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  return {
    command,
    helpTopic,
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
    pushMapping: values["push-mapping"] ?? false,
    blueprintsOut: values["blueprints-out"],
    mappingOut: values["mapping-out"],
    runs: values.runs === undefined ? DEFAULTS.runs : parsePositiveInteger("--runs", values.runs),
    limit: values.limit === undefined ? undefined : parsePositiveInteger("--limit", values.limit),
    all: (values.all ?? false) || (values.json ?? false),
    keep: values.keep ?? false,
  };
}

const DEFAULTS: Omit<CommandLine, "command" | "helpTopic"> = {
  configFlags: {},
  only: undefined,
  json: false,
  verbose: false,
  allowMassDelete: false,
  reconcile: false,
  fullRefresh: false,
  adoptPort: false,
  deleteRemovedResources: false,
  pushMapping: false,
  blueprintsOut: undefined,
  mappingOut: undefined,
  runs: 10,
  limit: undefined,
  all: false,
  keep: false,
};
