import type { Blueprint } from "./blueprint";
import type { PortAppConfig } from "./mapping";
import type { PaginationSettings } from "./pagination";
import type { Secret } from "./secret";

export const AUTH_TYPES = ["bearer_token", "api_key", "basic", "none"] as const;

export const EVENT_LISTENER_TYPES = ["ONCE", "POLLING"] as const;
type EventListenerType = (typeof EVENT_LISTENER_TYPES)[number];

/** Credentials for the Incident.io API, by auth type. */
export type IncidentIoAuth =
  | { readonly type: "bearer_token"; readonly token: Secret }
  | { readonly type: "api_key"; readonly header: string; readonly key: Secret }
  | { readonly type: "basic"; readonly username: string; readonly password: Secret }
  | { readonly type: "none" };

/** Network settings shared by both HTTP clients. */
export interface NetworkSettings {
  /** PEM file of extra trusted CAs (on top of Node's, and NODE_EXTRA_CA_CERTS). */
  readonly caFile: string | undefined;
  /** NODE_EXTRA_CA_CERTS: Node adds it to its default store, but a custom `ca` replaces that store, so it is re-added. */
  readonly extraCaFile: string | undefined;
  /** False only when the user explicitly opted out of TLS verification (loudly warned). */
  readonly verifyTls: boolean;
  /** Proxy for https:// (and http://) URLs, from HTTPS_PROXY / HTTP_PROXY; hosts in NO_PROXY bypass it. */
  readonly httpsProxy: string | undefined;
  readonly httpProxy: string | undefined;
  readonly noProxy: string | undefined;
  readonly timeoutMs: number;
  /** The most one request may wait between its attempts, backoff and Retry-After together (ETL_MAX_RETRY_WAIT_SECONDS; the HTTP client's default when absent). */
  readonly maxRetryWaitMs?: number;
}

/**
 * How many pages one list may take before paging counts as endless: `factor` times what the list
 * held at its last complete read, and never fewer than `minPages` (ETL_PAGE_BOUND_MIN_PAGES,
 * ETL_PAGE_BOUND_FACTOR); `firstReadPages` for a list with no complete read yet
 * (ETL_PAGE_BOUND_FIRST_READ_PAGES).
 */
export interface PageBoundSettings {
  readonly minPages: number;
  readonly factor: number;
  readonly firstReadPages: number;
}

export interface IncidentIoSettings {
  readonly baseUrl: string;
  readonly auth: IncidentIoAuth;
  /** The global paging scheme; resources override it in the mapping. */
  readonly pagination: PaginationSettings;
  /** Client-side request budget, so a normal run never meets a 429. */
  readonly requestsPerMinute: number;
  /** Attempts per request before a page counts as failed (429s, 5xx, resets, timeouts). */
  readonly maxAttempts: number;
  /** Field names removed from every record before it is stored (secret_token is always removed). */
  readonly dropFields: readonly string[];
  /** When a kind's paging counts as endless, and the kind fails. */
  readonly pageBound: PageBoundSettings;
}

export interface PortSettings {
  readonly baseUrl: string;
  readonly clientId: string | undefined;
  readonly clientSecret: Secret | undefined;
  readonly maxAttempts: number;
  /** When reconcile's search paging counts as endless, and the blueprint's reconcile fails. */
  readonly pageBound: PageBoundSettings;
}

export interface IncrementalSettings {
  /** A full extract (which alone can see deletions) runs at least every this many runs... */
  readonly fullEveryRuns: number;
  /** ...and at least every this many hours. */
  readonly fullEveryHours: number;
  /** Overlap subtracted from the last complete extract's start, because timestamps are stamped before commit. */
  readonly lookbackMinutes: number;
  /** The most alerts an incremental read fetches by ID (open at the last read, not now); more, and it reads in full. */
  readonly alertsByIdMax: number;
}

/** Which credentials the command needs: `etl extract` needs no Port secret, `etl load` no Incident.io token. */
export interface ConfigNeeds {
  readonly incidentIo: boolean;
  readonly port: boolean;
  /** Transform (and extract's jq path parameters) need a jq binary. */
  readonly jq: boolean;
  /** `serve` verifies webhooks with the endpoint's signing secret. */
  readonly webhookSecret?: boolean;
}

/** Where `serve` listens, and the secret it verifies Incident.io's webhooks with. */
interface ServeSettings {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** ETL_WEBHOOK_SECRET (`whsec_…`); undefined when not set (only serve needs it). */
  readonly webhookSecret: Secret | undefined;
}

/** Everything a command needs, validated once at start-up. Secrets are wrapped in `Secret`. */
export interface Config {
  readonly incidentIo: IncidentIoSettings;
  readonly port: PortSettings;
  readonly network: NetworkSettings;
  readonly integration: { readonly identifier: string; readonly type: string };
  readonly initializePortResources: boolean;
  readonly sendRawDataExamples: boolean;
  readonly eventListener: EventListenerType;
  readonly scheduledResyncIntervalMinutes: number;
  readonly serve: ServeSettings;
  readonly incremental: IncrementalSettings;
  /** Hours after which a load reconciles with Port first (ETL_RECONCILE_EVERY_HOURS); 0 = only when asked. */
  readonly reconcileEveryHours: number;
  readonly databasePath: string;
  readonly mappingPath: string;
  /**
   * The mapping file as the user named it (--mapping, ETL_MAPPING, etl.mapping): that file is the run's
   * mapping. Undefined when none was named: the run's mapping is then Port's integration config, and
   * `mapping` (the shipped default) is only what is registered where Port has none.
   */
  readonly mappingNamed: string | undefined;
  readonly blueprintsPath: string;
  /** Absolute path of the jq binary (JQ_PATH, else jq on PATH); undefined only when the command needs no jq. */
  readonly jqPath: string | undefined;
  readonly mapping: PortAppConfig;
  readonly blueprints: readonly Blueprint[];
  /** Things that work but deserve the user's attention (deprecated endpoints, TLS verification off). */
  readonly warnings: readonly string[];
}
