import { z } from "zod";
import { AUTH_TYPES, EVENT_LISTENER_TYPES } from "../model/config";
import { PAGINATION_TYPES } from "../model/pagination";

/**
 * Every setting: where it comes from (Ocean's environment variable names first, so Docker/Helm settings
 * carry over; then the config file's Helm-style key; then a flag) and how its raw value is checked.
 * Precedence is flag > environment > config file > default.
 */
export interface SettingSpec {
  readonly env: readonly string[];
  /** Dot path in the YAML config file. */
  readonly file?: string;
  readonly flag?: string;
  /** Parses the raw value (a string from env/flags, anything from the file). */
  readonly schema: z.ZodType;
  readonly secret?: boolean;
  readonly description: string;
  /** The value when no source sets it, typed as the schema's output (checked below); readConfig reads it from here. */
  readonly default?: unknown;
  /** The default docs/configuration.md shows where it is not `default` as written: it depends on another setting, or is shown in another form. */
  readonly defaultText?: string;
}

const text = z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1, "must not be empty"));
const httpUrl = text.pipe(
  z.string().refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL, e.g. https://api.incident.io"),
);
const bool = z
  .union([z.boolean(), z.string()])
  .transform((v, ctx) => {
    if (typeof v === "boolean") return v;
    const s = v.trim().toLowerCase();
    if (["true", "1", "yes", "on"].includes(s)) return true;
    if (["false", "0", "no", "off"].includes(s)) return false;
    ctx.addIssue({ code: "custom", message: `must be true or false, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });
const positiveInt = z.coerce.number({ error: "must be a number" }).int("must be a whole number").positive("must be positive");
const nonNegativeInt = z.coerce.number({ error: "must be a number" }).int("must be a whole number").nonnegative("must not be negative");
const positiveNumber = z.coerce.number({ error: "must be a number" }).positive("must be positive");
const nonNegativeNumber = z.coerce.number({ error: "must be a number" }).nonnegative("must not be negative");
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean));
const eventListener = z
  .union([z.string(), z.looseObject({ type: z.string() })])
  .transform((v, ctx) => {
    let type: unknown = v;
    if (typeof v === "string") {
      const trimmed = v.trim();
      if (trimmed.startsWith("{")) {
        try {
          type = (JSON.parse(trimmed) as { type?: unknown }).type;
        } catch {
          ctx.addIssue({ code: "custom", message: `must be JSON like {"type":"ONCE"}, got ${JSON.stringify(v)}` });
          return z.NEVER;
        }
      }
    } else type = v.type;
    const upper = String(type).toUpperCase();
    if ((EVENT_LISTENER_TYPES as readonly string[]).includes(upper)) return upper as (typeof EVENT_LISTENER_TYPES)[number];
    ctx.addIssue({ code: "custom", message: `type must be ONCE or POLLING, got ${JSON.stringify(type)}` });
    return z.NEVER;
  });

/** The global paging parameters when the type is cursor: Incident.io's scheme (other types get Ocean's names). */
export const INCIDENT_IO_CURSOR_PARAMS = { param: "after", sizeParam: "page_size" } as const;

/** Port's API by region (`port.region`); `port.baseUrl` wins over it. */
export const PORT_REGIONS = { eu: "https://api.port.io", us: "https://api.us.port.io" } as const;

export const SETTINGS = {
  incidentIoBaseUrl: {
    env: ["OCEAN__INTEGRATION__CONFIG__BASE_URL"],
    file: "integration.config.baseUrl",
    schema: httpUrl,
    description: "Incident.io API base URL",
    default: "https://api.incident.io",
  },
  authType: {
    env: ["OCEAN__INTEGRATION__CONFIG__AUTH_TYPE"],
    file: "integration.config.authType",
    schema: z.enum(AUTH_TYPES, { error: `must be one of ${AUTH_TYPES.join(", ")}` }),
    description: "How to authenticate to Incident.io",
    default: "bearer_token",
  },
  token: {
    env: ["OCEAN__INTEGRATION__SECRETS__TOKEN", "OCEAN__INTEGRATION__SECRETS__API_TOKEN"],
    file: "integration.secrets.token",
    schema: text,
    secret: true,
    description: "Incident.io API key (bearer_token; also used for api_key when no API_KEY is set). `…_FILE` reads it from a file",
  },
  apiKey: {
    env: ["OCEAN__INTEGRATION__SECRETS__API_KEY"],
    file: "integration.secrets.apiKey",
    schema: text,
    secret: true,
    description: "Key sent in the API key header (api_key auth)",
  },
  apiKeyHeader: {
    env: ["OCEAN__INTEGRATION__CONFIG__API_KEY_HEADER"],
    file: "integration.config.apiKeyHeader",
    schema: text,
    description: "Header carrying the key (api_key auth)",
    default: "X-API-Key",
  },
  username: {
    env: ["OCEAN__INTEGRATION__CONFIG__USERNAME"],
    file: "integration.config.username",
    schema: text,
    description: "User name (basic auth)",
  },
  password: {
    env: ["OCEAN__INTEGRATION__SECRETS__PASSWORD"],
    file: "integration.secrets.password",
    schema: text,
    secret: true,
    description: "Password (basic auth)",
  },
  paginationType: {
    env: ["OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE"],
    file: "integration.config.paginationType",
    schema: z.enum(PAGINATION_TYPES, { error: `must be one of ${PAGINATION_TYPES.join(", ")}` }),
    description: "Default paging scheme (resources override it in the mapping)",
    default: "cursor",
  },
  paginationParam: {
    env: ["OCEAN__INTEGRATION__CONFIG__PAGINATION_PARAM"],
    file: "integration.config.paginationParam",
    schema: text,
    description: "Query parameter for the cursor / offset / page",
    defaultText: "after (cursor), offset, page",
  },
  cursorPath: {
    env: ["OCEAN__INTEGRATION__CONFIG__CURSOR_PATH"],
    file: "integration.config.cursorPath",
    schema: text,
    description: "Dot-path to the next cursor in a page",
    default: "pagination_meta.after",
  },
  hasMorePath: {
    env: ["OCEAN__INTEGRATION__CONFIG__HAS_MORE_PATH"],
    file: "integration.config.hasMorePath",
    schema: text,
    description: "Dot-path to a 'more pages' flag (falsy ends paging)",
  },
  pageSize: {
    env: ["OCEAN__INTEGRATION__CONFIG__PAGE_SIZE"],
    file: "integration.config.pageSize",
    schema: positiveInt,
    description: "Default page size",
    default: 100,
  },
  sizeParam: {
    env: ["OCEAN__INTEGRATION__CONFIG__SIZE_PARAM"],
    file: "integration.config.sizeParam",
    schema: text,
    description: "Query parameter for the page size",
    defaultText: "page_size (cursor), limit, size",
  },
  startPage: {
    env: ["OCEAN__INTEGRATION__CONFIG__START_PAGE"],
    file: "integration.config.startPage",
    schema: nonNegativeInt,
    description: "First page number (page paging)",
    default: 1,
  },
  verifySsl: {
    env: ["OCEAN__INTEGRATION__CONFIG__VERIFY_SSL"],
    file: "integration.config.verifySsl",
    schema: bool,
    description: "Verify TLS certificates (false is insecure and warned about; same as --insecure)",
    default: true,
  },
  timeoutSeconds: {
    env: ["OCEAN__INTEGRATION__CONFIG__TIMEOUT", "OCEAN__CLIENT_TIMEOUT"],
    file: "integration.config.timeout",
    schema: positiveNumber,
    description: "Per-request timeout, seconds",
    default: 30,
  },
  integrationIdentifier: {
    env: ["OCEAN__INTEGRATION__IDENTIFIER"],
    file: "integration.identifier",
    schema: text.pipe(z.string().regex(/^[A-Za-z0-9@_.+:\\/=-]+$/, "must be a Port identifier (no spaces)")),
    description: "Integration identifier in Port (also in the User-Agent)",
    default: "incidentio-port-etl",
  },
  integrationType: {
    env: ["OCEAN__INTEGRATION__TYPE"],
    file: "integration.type",
    schema: text,
    description: "Integration type registered in Port",
    default: "custom",
  },
  portClientId: {
    env: ["OCEAN__PORT__CLIENT_ID"],
    file: "port.clientId",
    schema: text,
    description: "Port client ID",
  },
  portClientSecret: {
    env: ["OCEAN__PORT__CLIENT_SECRET"],
    file: "port.clientSecret",
    schema: text,
    secret: true,
    description: "Port client secret. `…_FILE` reads it from a file",
  },
  portBaseUrl: {
    env: ["OCEAN__PORT__BASE_URL"],
    file: "port.baseUrl",
    schema: httpUrl,
    description: "Port API URL (wins over the region)",
    defaultText: "from the region",
  },
  portRegion: {
    env: ["OCEAN__PORT__REGION", "PORT_REGION"],
    file: "port.region",
    schema: z.enum(["eu", "us"], { error: "must be eu or us" }),
    description: "eu → https://api.port.io, us → https://api.us.port.io",
    default: "eu",
  },
  initializePortResources: {
    env: ["OCEAN__INITIALIZE_PORT_RESOURCES"],
    file: "initializePortResources",
    schema: bool,
    description: "Create missing blueprints and register the integration",
    default: true,
  },
  sendRawDataExamples: {
    env: ["OCEAN__SEND_RAW_DATA_EXAMPLES"],
    file: "sendRawDataExamples",
    schema: bool,
    description: "Send up to 5 raw records per kind to Port's mapping playground",
    default: true,
  },
  eventListener: {
    // Ocean's settings read nested names too (its `__` delimiter): OCEAN__EVENT_LISTENER__TYPE=POLLING is common in its docs.
    env: ["OCEAN__EVENT_LISTENER", "OCEAN__EVENT_LISTENER__TYPE"],
    file: "eventListener",
    schema: eventListener,
    description: 'ONCE runs once; POLLING re-runs every scheduled interval ({"type":"ONCE"})',
    default: "ONCE",
    defaultText: '{"type":"ONCE"}',
  },
  scheduledResyncInterval: {
    env: ["OCEAN__SCHEDULED_RESYNC_INTERVAL"],
    file: "scheduledResyncInterval",
    schema: positiveNumber,
    description: "Minutes between runs in POLLING mode",
    default: 60,
  },
  db: {
    env: ["ETL_DB"],
    file: "etl.db",
    flag: "--db",
    schema: text,
    description: "SQLite staging file",
    default: "./etl.sqlite",
  },
  mapping: {
    env: ["ETL_MAPPING"],
    file: "etl.mapping",
    flag: "--mapping",
    schema: text,
    description:
      "Mapping file (Port's port-app-config.yml format) used instead of Port's integration config, for this run only; without it the mapping is Port's, and this default only where Port's integration has none",
    default: "resources/port-app-config.yml",
  },
  blueprints: {
    env: ["ETL_BLUEPRINTS"],
    file: "etl.blueprints",
    flag: "--blueprints",
    schema: text,
    description: "Blueprints file (JSON array)",
    default: "resources/blueprints.json",
  },
  caFile: {
    env: ["ETL_CA_FILE"],
    file: "etl.caFile",
    flag: "--ca-file",
    schema: text,
    description: "Extra CA certificates (PEM) to trust, for both APIs and proxies",
  },
  insecure: {
    env: [],
    flag: "--insecure",
    schema: bool,
    description: "Skip TLS verification (dangerous; warned on every run)",
    default: false,
  },
  requestsPerMinute: {
    env: ["ETL_REQUESTS_PER_MINUTE"],
    file: "etl.requestsPerMinute",
    schema: positiveInt,
    description: "Client-side budget of Incident.io requests",
    default: 1200,
  },
  maxAttempts: {
    env: ["ETL_MAX_ATTEMPTS"],
    file: "etl.maxAttempts",
    schema: positiveInt,
    description: "Attempts per HTTP request before giving up (429, 5xx, resets, timeouts)",
    default: 8,
  },
  maxRetryWaitSeconds: {
    env: ["ETL_MAX_RETRY_WAIT_SECONDS"],
    file: "etl.maxRetryWaitSeconds",
    schema: positiveNumber,
    description: "Longest an HTTP request may wait between its attempts (backoff and Retry-After together); a server asking for more fails it at once",
    default: 300,
  },
  dropFields: {
    env: ["ETL_DROP_FIELDS"],
    file: "etl.dropFields",
    schema: list,
    description: "Extra record fields to remove before storage (comma list; secret_token always is)",
  },
  fullEveryRuns: {
    env: ["ETL_FULL_REFRESH_EVERY_RUNS"],
    file: "etl.fullRefreshEveryRuns",
    schema: positiveInt,
    description: "Incremental kinds get a full extract at least every N runs",
    default: 24,
  },
  fullEveryHours: {
    env: ["ETL_FULL_REFRESH_EVERY_HOURS"],
    file: "etl.fullRefreshEveryHours",
    schema: positiveNumber,
    description: "...and at least every T hours",
    default: 24,
  },
  lookbackMinutes: {
    env: ["ETL_INCREMENTAL_LOOKBACK_MINUTES"],
    file: "etl.incrementalLookbackMinutes",
    schema: nonNegativeInt,
    description: "Overlap of incremental windows",
    default: 10,
  },
  // An incremental alerts read fetches, one request each, the alerts open at the last read that are no
  // longer open (see src/extract/alerts-incremental.ts). Past this many, a full read (50 alerts a
  // request) may well cost less, and the run reads alerts in full instead.
  alertsByIdMax: {
    env: ["ETL_ALERTS_BY_ID_MAX"],
    file: "etl.alertsByIdMax",
    schema: nonNegativeInt,
    description: "Alerts closed since the last read that an incremental read fetches one by one; when more, alerts are read in full",
    default: 200,
  },
  // A list that pages on for ever (a new cursor on every page) must fail its kind rather than run
  // for hours. The bound scales with what the list held at its last complete read, so an
  // organization ten times larger than at its previous run, or a page size cut tenfold, still
  // reads; the floor keeps small and new lists (no history) from ever tripping it: 1,000 pages
  // are 100,000 records at 100 a page, and at 1,200 requests a minute under a minute's paging.
  pageBoundMinPages: {
    env: ["ETL_PAGE_BOUND_MIN_PAGES"],
    file: "etl.pageBoundMinPages",
    schema: positiveInt,
    description: "Pages a list may always take before paging counts as endless and its kind (or reconcile) fails",
    default: 1000,
  },
  pageBoundFactor: {
    env: ["ETL_PAGE_BOUND_FACTOR"],
    file: "etl.pageBoundFactor",
    schema: positiveNumber,
    description: "...or this many times the pages (records / page size) of its last complete read, when more",
    default: 10,
  },
  // A list read for the first time has no history to scale with: a real first read of a large
  // organization (10^6 alerts are 20,000 pages of 50) must not trip the bound, while a list that
  // pages for ever still stops: 100,000 pages, about 83 minutes at 1,200 requests a minute.
  pageBoundFirstReadPages: {
    env: ["ETL_PAGE_BOUND_FIRST_READ_PAGES"],
    file: "etl.pageBoundFirstReadPages",
    schema: positiveInt,
    description: "Pages a list may take when it has no complete read yet to scale with",
    default: 100000,
  },
  // Drift (entities deleted or edited in Port by hand) is invisible to the diff, which compares with
  // what was pushed. A reconcile reads every entity back (one search request per 1,000): daily by
  // default, as often as a full extract, which alone sees deletions in Incident.io.
  reconcileEveryHours: {
    env: ["ETL_RECONCILE_EVERY_HOURS"],
    file: "etl.reconcileEveryHours",
    schema: nonNegativeNumber,
    description: "Reconcile with Port (repair entities deleted or edited there by hand) before a load when the last reconcile is older; 0 = only with --reconcile or --full-refresh",
    default: 24,
  },
  // Incident.io shows the endpoint's signing secret as `whsec_` + base64 (Svix's format); standardwebhooks
  // decodes the part after the prefix, so anything else would fail only at the first event.
  webhookSecret: {
    env: ["ETL_WEBHOOK_SECRET"],
    schema: text.pipe(z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be the webhook endpoint's signing secret: whsec_ followed by base64, as Incident.io shows it")),
    secret: true,
    description: "Signing secret (whsec_…) of the Incident.io webhook endpoint that serve verifies events with; environment only. `…_FILE` reads it from a file",
  },
  serveHost: {
    env: ["ETL_SERVE_HOST"],
    file: "etl.serve.host",
    schema: text,
    description: "Address serve listens on",
    default: "0.0.0.0",
  },
  servePort: {
    env: ["ETL_SERVE_PORT"],
    file: "etl.serve.port",
    schema: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 to 65535").max(65535, "must be 0 to 65535"),
    description: "TCP port serve listens on (0 picks a free one, printed at start)",
    default: 8080,
  },
  jqPath: {
    env: ["JQ_PATH"],
    file: "etl.jqPath",
    schema: text,
    description: "jq binary (else jq on PATH)",
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** Settings a command-line flag can set; their names are also the keys of the flags handed to readConfig. */
export type FlagSettingName = { [K in SettingName]: (typeof SETTINGS)[K] extends { readonly flag: string } ? K : never }[SettingName];

/** A flag whose setting defaults to a boolean is a switch (`--insecure`); any other takes a value (`--db FILE`). */
export function isSwitchFlag(spec: SettingSpec): boolean {
  return typeof spec.default === "boolean";
}

/** The default as the settings table of docs/configuration.md shows it: `-` when the setting has none. */
export function defaultTextOf(spec: SettingSpec): string {
  return spec.defaultText ?? (spec.default === undefined ? "-" : String(spec.default));
}

// A default that its own schema would not produce fails to compile here (the name of the setting shows in the error).
type DefaultMismatch = {
  [K in SettingName as (typeof SETTINGS)[K] extends { readonly default: infer D } ? (D extends z.output<(typeof SETTINGS)[K]["schema"]> ? never : K) : never]: true;
};
void ({} satisfies Record<keyof DefaultMismatch, never>);
