import { defaultTextOf, isSwitchFlag, SETTINGS, type SettingSpec } from "../config/settings";
import { COMMAND_NAMES, COMMAND_OPTIONS, COMMANDS, type Command, type CommandOption } from "../pipeline/commands";
import { programName } from "../program-name";

interface OptionHelp {
  /** The flag as typed, with its short form: `-v, --verbose`. */
  readonly flag: string;
  /** What follows the flag when it takes a value: `FILE`, `N`. */
  readonly value?: string;
  readonly text: string;
}

const COMMAND_OPTION_HELP: Record<CommandOption, Omit<OptionHelp, "flag">> = {
  only: { value: "KINDS", text: "narrow to kinds, short names or blueprints (comma-separated or repeated)" },
  json: { text: "print the result as one JSON document, never cut (progress goes to stderr)" },
  limit: { value: "N", text: "how many planned changes to list (default 20 on a terminal, every one otherwise)" },
  all: { text: "list every planned change" },
  "allow-mass-delete": { text: "delete even when a blueprint's deletions exceed entityDeletionThreshold" },
  reconcile: { text: "rebuild the snapshot of Port from Port itself before planning (repairs hand edits)" },
  "full-refresh": { text: "extract incidents, follow-ups and alerts in full now (only a full extract sees deletions), map every record again, and reconcile" },
  "adopt-port": { text: "the staging file synced with another Port: bind it to the Port configured now and reconcile" },
  "delete-removed-resources": { text: "delete the entities of resources no longer in the mapping (threshold rules apply)" },
  "push-mapping": { text: "replace the mapping of Port's integration (what users edit in Port's UI) with the --mapping file; plan shows the change" },
  "blueprints-out": { value: "FILE", text: "write the proposed blueprints here" },
  "mapping-out": { value: "FILE", text: "write the proposed mapping here" },
  runs: { value: "N", text: "how many runs status shows (default 10)" },
  keep: { text: "keep the two sandboxes running after the demo and print the export lines to try each stage by hand" },
  verbose: { text: "print error causes" },
  help: { text: "this command's usage" },
};

function commandOption(name: CommandOption): OptionHelp {
  const short = (COMMAND_OPTIONS[name] as { readonly short?: string }).short;
  return { flag: `${short ? `-${short}, ` : ""}--${name}`, ...COMMAND_OPTION_HELP[name] };
}

function settingOptions(): OptionHelp[] {
  return (Object.values(SETTINGS) as SettingSpec[]).flatMap((spec) => {
    if (spec.flag === undefined) return [];
    const notes = [spec.default === undefined || isSwitchFlag(spec) ? undefined : `default ${defaultTextOf(spec)}`, ...spec.env.map((name) => `env ${name}`)];
    const shown = notes.filter(Boolean).join("; ");
    return [{ flag: spec.flag, ...(isSwitchFlag(spec) ? {} : { value: "FILE" }), text: `${spec.description}${shown ? ` (${shown})` : ""}` }];
  });
}

/** The options every command takes besides its own. */
function commonOptions(): OptionHelp[] {
  return [
    { flag: "--config", value: "FILE", text: "YAML config file (Helm-style keys; env vars override it)" },
    ...settingOptions(),
    commandOption("verbose"),
    commandOption("help"),
  ];
}

function formatOptions(options: readonly OptionHelp[]): string {
  const left = options.map((option) => `${option.flag}${option.value ? ` ${option.value}` : ""}`);
  const width = Math.max(...left.map((text) => text.length)) + 2;
  return options.map((option, i) => `  ${(left[i] ?? "").padEnd(width)}${option.text}`).join("\n");
}

function settingsNote(program: string): string {
  return `Settings come from Ocean's environment variables (OCEAN__INTEGRATION__CONFIG__BASE_URL, OCEAN__PORT__CLIENT_ID, ...);
secrets only from the environment or files, never from flags. \`${program} config\` shows each one and where it came from.`;
}

const EXIT_CODES = `Exit codes: 0 success (or interrupted by a signal), 1 a stage failed, 2 bad configuration (refused credentials,
an unreachable host or an unusable --db included), 130/143 a second SIGINT/SIGTERM (stops at once).`;

/** `etl help`: every command and option, in the words of the program as the user started it. */
export function usage(program = programName()): string {
  return `incidentio-port-etl: keeps Port's software catalog in sync with Incident.io

Usage: ${program} <command> [options]      ${program} help <command> for one command's options and an example

Commands:
${COMMAND_NAMES.map((name) => `  ${name.padEnd(12)}${COMMANDS[name].summary}`).join("\n")}

Options:
${formatOptions([
  ...commonOptions().slice(0, -2),
  ...[...new Set(COMMAND_NAMES.flatMap((name) => COMMANDS[name].options))].map(commandOption),
  ...commonOptions().slice(-2),
  { flag: "--version", text: "print the program's name and version (alone, without a command)" },
])}
${settingsNote(program)}

${EXIT_CODES}`;
}

/** `etl help <command>` and `etl <command> --help`: its usage, its own options, the common ones, and one example. */
export function commandHelp(command: Command, program = programName()): string {
  const spec = COMMANDS[command];
  if (command === "help") return usage(program);
  const own = spec.options.map(commandOption);
  return [
    `Usage: ${program} ${command}${own.length > 0 ? " [options]" : ""}`,
    "",
    spec.summary,
    ...("details" in spec ? ["", spec.details] : []),
    ...(own.length > 0 ? ["", "Options:", formatOptions(own)] : []),
    "",
    "Options of every command:",
    formatOptions(commonOptions()),
    "",
    "Example:",
    `  ${program} ${spec.example}`,
    "",
    settingsNote(program),
  ].join("\n");
}
