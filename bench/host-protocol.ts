// Messages between the benchmark and its sandbox host process (bench/sandbox-host.ts), over Node's IPC channel.
import type { IncidentIoKind } from "../src/sandbox/incidentio/kinds";
import type { DatasetCounts } from "../src/sandbox/incidentio/scale";
import type { WriteLogEntry } from "../src/sandbox/port/types";
import { matchRoute } from "../src/sandbox/port/routes";
import type { MutableKind } from "./mutations";

/** Incident.io's per-key budget, simulated on a clock running `timeScale` times faster than real time. */
export interface SimulatedRateLimit {
  readonly requestsPerMinute: number;
  readonly timeScale: number;
}

export interface HostOptions {
  readonly seed: number;
  readonly counts: DatasetCounts;
}

export interface HostEndpoints {
  readonly incidentIo: { readonly baseUrl: string; readonly token: string };
  readonly port: { readonly baseUrl: string; readonly clientId: string; readonly clientSecret: string };
}

/** Requests served and entities written since the host started; the benchmark subtracts two readings. */
export interface HostCounters {
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

export type HostRequest =
  | { readonly type: "counters" }
  | { readonly type: "mutate"; readonly fraction: number; readonly kinds: readonly MutableKind[] }
  | { readonly type: "set-latency"; readonly incidentIoMs: number }
  /** Restarts the Incident.io sandbox with this budget, or none, on a fresh dataset of the same seed and counts; answers the new endpoints. */
  | { readonly type: "set-rate-limit"; readonly rateLimit: SimulatedRateLimit | undefined };

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

/** Adds one to `key` of a tally. */
export function countInto(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}
