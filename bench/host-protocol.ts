// Messages between the benchmark and its sandbox host process (bench/sandbox-host.ts), over Node's IPC channel.
import type { OpenAlerts } from "../src/sandbox/incidentio/generate/context";
import type { IncidentIoKind } from "../src/sandbox/incidentio/kinds";
import { matchRoute as matchIncidentIoRoute } from "../src/sandbox/incidentio/routes";
import type { DatasetCounts } from "../src/sandbox/incidentio/scale";
import type { WriteLogEntry } from "../src/sandbox/port/types";
import { matchRoute } from "../src/sandbox/port/routes";
import type { MutableKind } from "./mutations";
import type { LatencySummary } from "./webhooks-figures";

/** Incident.io's per-key budget, simulated on a clock running `timeScale` times faster than real time. */
export interface SimulatedRateLimit {
  readonly requestsPerMinute: number;
  readonly timeScale: number;
}

export interface HostOptions {
  readonly seed: number;
  readonly counts: DatasetCounts;
  /** Which alerts are open: the benchmark serves `few` (about 2%), an organization's realistic share. */
  readonly openAlerts: OpenAlerts;
  /** Added to every Incident.io answer from the start (default 0). */
  readonly incidentIoLatencyMs?: number;
  /** Incident.io's budget, enforced by the sandbox from the start (default none). */
  readonly rateLimit?: SimulatedRateLimit;
}

export interface HostEndpoints {
  readonly incidentIo: { readonly baseUrl: string; readonly token: string };
  readonly port: { readonly baseUrl: string; readonly clientId: string; readonly clientSecret: string };
}

/** Requests served and entities written since the host started; the benchmark subtracts two readings. */
export interface HostCounters {
  /** `byPath`: by route (`/v2/alerts/{id}`) and the filters a list request sent (see nameIncidentIoRequest). */
  readonly incidentIo: { readonly requests: number; readonly byPath: Readonly<Record<string, number>>; readonly byStatus: Readonly<Record<string, number>> };
  readonly port: {
    readonly requests: number;
    /** By the sandbox's route name (`bulkUpsertEntities`, `searchEntities`, ...); `unmatched` for the rest. */
    readonly byRoute: Readonly<Record<string, number>>;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly writes: Readonly<Record<WriteLogEntry["op"], number>>;
  };
  /** The host's own peak RSS and CPU, to show that the product's figures do not include the sandboxes'. */
  readonly host: { readonly maxRssMb: number; readonly cpuSeconds: number };
}

/** What a mutation changed: records per kind, each of which changes exactly one entity. */
export interface MutationReport {
  readonly total: number;
  readonly byKind: Readonly<Partial<Record<MutableKind, number>>>;
}

/** How Port's entities compare with the pushable entities a staging file holds (held-back ones and Port's placeholders apart). */
export interface PortComparison {
  /** Staged entities compared. */
  readonly staged: number;
  /** Staged, and Port holds none under that blueprint and identifier. */
  readonly missing: number;
  /** Port holds it, saying something else (compared as reconcile compares, forgiving what Port normalizes). */
  readonly differing: number;
  /** Port holds it under a staged blueprint, and it is not staged. */
  readonly extra: number;
  /** A few `blueprint/identifier` of each difference, to start looking from. */
  readonly examples: readonly string[];
}

/** Where the Incident.io sandbox posts its events: serve's endpoint, its signing secret, and how fast Svix's redelivery schedule runs. */
export interface HostWebhookTarget {
  readonly url: string;
  readonly secret: string;
  /** Multiplies Svix's waits between redeliveries (5 s, 5 min, 30 min, ...). */
  readonly redeliveryScale: number;
}

/** What a stream of changes made in Incident.io. */
export interface StreamReport {
  /** Changes made, and the events they posted (a status change posts two). */
  readonly changes: number;
  readonly events: number;
  /** From the first change to the last. */
  readonly seconds: number;
}

/** The sender's totals, and the stream's latency as seen from the sandboxes: first post → Port's next write of the entity. */
export interface WebhookDeliveryReport {
  readonly sent: number;
  readonly delivered: number;
  readonly redelivered: number;
  readonly gaveUp: number;
  readonly portWriteLatency: LatencySummary;
  readonly unmatched: number;
}

export type HostRequest =
  | { readonly type: "counters" }
  | { readonly type: "mutate"; readonly fraction: number; readonly kinds: readonly MutableKind[] }
  | { readonly type: "set-latency"; readonly incidentIoMs: number }
  /** Restarts the Incident.io sandbox with this budget, or none, on a fresh dataset of the same seed and counts; answers the new endpoints. */
  | { readonly type: "set-rate-limit"; readonly rateLimit: SimulatedRateLimit | undefined }
  /** Compares what the Port sandbox holds with the staged entities of the staging file at `databasePath`. */
  | { readonly type: "compare-port"; readonly databasePath: string }
  /** Posts the events of later changes to `target`. */
  | { readonly type: "configure-webhooks"; readonly target: HostWebhookTarget }
  /** Makes changes planned by `seed` until `events` events were posted, `perSecond` events a second; answers when the last is made. */
  | { readonly type: "stream-webhooks"; readonly events: number; readonly perSecond: number; readonly seed: number }
  /** Waits until every event was delivered or given up (at most `timeoutMs`), then reports the deliveries. */
  | { readonly type: "webhook-deliveries"; readonly timeoutMs: number };

type HostReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

export type HostMessage = { readonly type: "ready"; readonly endpoints: HostEndpoints } | HostReply;

/** The list options the shipped mapping's query parameters select (users: `include_inactive=true`). */
export function listOptionsFor(kind: IncidentIoKind): { includeInactive?: boolean } {
  return kind === "users" ? { includeInactive: true } : {};
}

/** The Port sandbox's name for a request's route, `unmatched` when it serves none. */
export function nameRoute(method: string, path: string): string {
  return matchRoute(method, path)?.name ?? "unmatched";
}

// The query parameters that say where a list request is in its paging, not what it lists.
const PAGING_PARAMS = new Set(["after", "page_size"]);

/**
 * An Incident.io request's route and the filters it sent, without their values: `/v2/alerts/{id}`,
 * `/v2/alerts?status[not_in]`, `/v2/alerts?created_at[gte]&created_at[lte]`. Parent values
 * (`catalog_type_id`) are filters too: the fan-out shows as one key.
 */
export function nameIncidentIoRequest(path: string, query: Readonly<Record<string, unknown>>): string {
  const route = matchIncidentIoRoute(path)?.route.template ?? "unmatched";
  const filters = Object.keys(query)
    .filter((name) => !PAGING_PARAMS.has(name))
    .sort();
  return filters.length > 0 ? `${route}?${filters.join("&")}` : route;
}

/** Adds one to `key` of a tally. */
export function countInto(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}
