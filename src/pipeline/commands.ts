import type { ConfigNeeds } from "../model/config";
import type { Stage } from "../model/stage";

/**
 * The options of the commands (settings' flags such as `--db` are in SETTINGS, not here), in the shape
 * `node:util` parseArgs takes.
 */
export const COMMAND_OPTIONS = {
  only: { type: "string", multiple: true },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  "allow-mass-delete": { type: "boolean" },
  reconcile: { type: "boolean" },
  "full-refresh": { type: "boolean" },
  "adopt-port": { type: "boolean" },
  "delete-removed-resources": { type: "boolean" },
  "push-mapping": { type: "boolean" },
  "blueprints-out": { type: "string" },
  "mapping-out": { type: "string" },
  runs: { type: "string" },
  limit: { type: "string" },
  all: { type: "boolean" },
  keep: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, { readonly type: "string" | "boolean"; readonly multiple?: boolean; readonly short?: string }>;
export type CommandOption = keyof typeof COMMAND_OPTIONS;

export interface CommandSpec {
  /** What `etl help` says it does. */
  readonly summary: string;
  /** The stages runPipeline runs for it, in order; none for a command that is not a pipeline run. */
  readonly stages: readonly Stage[];
  /** What its configuration must hold; undefined when it reads no configuration at all. */
  readonly needs: ConfigNeeds | undefined;
  /** The options it reads (every command also takes --config, the settings' flags, --verbose and --help). */
  readonly options: readonly CommandOption[];
  /** One command line `etl help <command>` shows, as a user would type it after the program's name. */
  readonly example: string;
  /** What `etl help <command>` adds under the summary: the settings and behaviour a command has beyond its options. */
  readonly details?: string;
}

const NO_CREDENTIALS: ConfigNeeds = { incidentIo: false, port: false, jq: false };
const RUN_NEEDS: ConfigNeeds = { incidentIo: true, port: true, jq: true };
const LOAD_OPTIONS = ["only", "json", "allow-mass-delete", "reconcile", "full-refresh", "adopt-port", "delete-removed-resources", "push-mapping"] as const;

/** Every command of `etl`, in the order `etl help` lists them. */
export const COMMANDS = {
  run: {
    summary: 'extract → transform → load (ONCE, or every interval with OCEAN__EVENT_LISTENER={"type":"POLLING"})',
    stages: ["extract", "transform", "load"],
    needs: RUN_NEEDS,
    options: LOAD_OPTIONS,
    example: "run --only incidents,alerts",
  },
  extract: {
    summary: "read Incident.io into the staging file",
    stages: ["extract"],
    needs: { incidentIo: true, port: false, jq: true },
    options: ["only", "json", "full-refresh"],
    example: "extract --only incidents --full-refresh",
  },
  transform: {
    summary: "map raw records to Port entities with the jq mapping",
    stages: ["transform"],
    needs: { incidentIo: false, port: false, jq: true },
    options: ["only", "json", "full-refresh"],
    example: "transform --only incidents",
  },
  plan: {
    summary: "show what load would change in Port; writes nothing to Port",
    stages: ["load"],
    needs: NO_CREDENTIALS,
    options: ["only", "json", "limit", "all", "allow-mass-delete", "reconcile", "full-refresh", "delete-removed-resources", "push-mapping"],
    example: "plan --limit 100",
  },
  load: {
    summary: "push only the changes to Port",
    stages: ["load"],
    needs: { incidentIo: false, port: true, jq: false },
    options: LOAD_OPTIONS,
    example: "load",
  },
  serve: {
    summary: "receive Incident.io webhooks and bring each record up to date in Port within seconds (with POLLING, the scheduled syncs too)",
    stages: [],
    needs: { ...RUN_NEEDS, webhookSecret: true },
    options: [],
    example: "serve --db /data/etl.sqlite",
    details:
      "Set ETL_WEBHOOK_SECRET to the Incident.io webhook endpoint's signing secret (whsec_…, environment only); it listens on\n" +
      "ETL_SERVE_HOST:ETL_SERVE_PORT (default 0.0.0.0:8080): POST /webhooks/incidentio, GET /healthz, GET /readyz.\n" +
      "Without POLLING it applies events over the staging file of earlier runs (run a sync first). SIGTERM stops accepting\n" +
      "(readyz 503), finishes the pass in hand and exits 0; events not yet applied are applied at the next start.",
  },
  status: {
    summary: "recent runs, counts per kind, pending changes, latest errors, the webhook inbox",
    stages: [],
    needs: NO_CREDENTIALS,
    options: ["json", "runs"],
    example: "status --runs 5",
  },
  // The demo runs `run` twice against sandboxes it starts: it needs what run needs, which it sets itself.
  demo: {
    summary: "the whole pipeline against built-in sandboxes (no credentials needed)",
    stages: [],
    needs: RUN_NEEDS,
    options: [...LOAD_OPTIONS, "keep"],
    example: "demo --keep",
  },
  discover: {
    summary: "propose blueprints and a mapping from the raw records (--blueprints-out, --mapping-out)",
    stages: [],
    needs: NO_CREDENTIALS,
    options: ["only", "json", "blueprints-out", "mapping-out"],
    example: "discover --blueprints-out blueprints.json --mapping-out mapping.yml",
  },
  config: {
    summary: "every effective setting and where it came from (flag, environment, --config file, default); secrets redacted",
    stages: [],
    needs: NO_CREDENTIALS,
    options: ["json"],
    example: "config --config etl.config.yaml",
  },
  check: {
    summary: "test both credentials and the mapping (jq, blueprints) without a run; shows Incident.io's rate limit",
    stages: [],
    needs: RUN_NEEDS,
    options: ["json"],
    example: "check",
  },
  help: { summary: "this text, or one command's (etl help plan, etl plan --help)", stages: [], needs: undefined, options: [], example: "help plan" },
} as const satisfies Record<string, CommandSpec>;

export type Command = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as Command[];

/** The commands that are one pipeline run (they have stages). */
export type PipelineCommand = { [K in Command]: (typeof COMMANDS)[K]["stages"] extends readonly [] ? never : K }[Command];

export function isPipelineCommand(command: Command): command is PipelineCommand {
  return COMMANDS[command].stages.length > 0;
}
