// The shape of one benchmark run: what the table shows and what bench/results/*.json holds.
import type { DatasetCounts } from "../src/sandbox/incidentio/scale";
import type { BenchScale } from "./options";
import type { MutationReport, PortComparison, SimulatedRateLimit } from "./host-protocol";
import type { LatencySummary } from "./webhooks-figures";

export const STAGES = ["extract", "transform", "load"] as const;
export type StageName = (typeof STAGES)[number];

export const PHASES = ["cold", "no-change", "one-percent", "incremental"] as const;
export type PhaseName = (typeof PHASES)[number];

/** One kind of one extract, as its summary reports it. */
interface KindMeasurement {
  readonly name: string;
  readonly mode: string;
  readonly records: number;
  /** Requests the product counted for the kind (retries included). */
  readonly requests: number;
  readonly seconds: number;
}

/** One stage run as its own product process. */
export interface StageMeasurement {
  readonly stage: StageName;
  /** The stage's own duration, from its summary. */
  readonly stageSeconds: number;
  /** The whole process: Node and tsx start-up, configuration, the stage, closing. */
  readonly processSeconds: number;
  /** extract: records read; transform: entities staged; load: entities compared with what Port holds. */
  readonly records: number;
  readonly perSecond: number;
  readonly incidentIoRequests: number;
  readonly portRequests: number;
  /** Port requests by the sandbox's route name. */
  readonly portRoutes: Readonly<Record<string, number>>;
  /** 429 answers from either sandbox. */
  readonly rateLimited: number;
  /** Entities Port wrote or deleted; placeholders (relation targets Port created) apart. */
  readonly entityWrites: number;
  readonly placeholders: number;
  readonly peakRssMb: number;
  /** The peak of the product's process tree (node and its jq processes), sampled from /proc. */
  readonly peakTreeRssMb: number;
  readonly startRssMb: number;
  /** CPU of the product process during the command, and of the jq processes it ran. */
  readonly cpuSeconds: number;
  readonly jqCpuSeconds: number;
  /**
   * `records` per CPU second of the command (product and jq together): what the stage does with one
   * core to itself, whatever else the machine is running; the wall-clock rate is `perSecond`.
   */
  readonly perCpuSecond: number;
  /** CPU of the whole process, start-up included. */
  readonly processCpuSeconds: number;
  /** CPU the sandbox process spent meanwhile, generating and serving what the stage asked for. */
  readonly sandboxCpuSeconds: number;
  /** The machine's 1-minute load average when the stage ended: other work slows the wall clock. */
  readonly loadAverage: number;
  readonly kinds?: readonly KindMeasurement[];
}

export interface PhaseMeasurement {
  readonly phase: PhaseName;
  /** What the phase changed in Incident.io before running; absent for the cold and no-change runs. */
  readonly changed?: MutationReport;
  readonly stages: readonly StageMeasurement[];
}

/** Requests Port's Ocean would make for one resync of these entities (reference/port-ocean.md §3.3–§3.4). */
export interface OceanResyncRequests {
  /** Every entity upserted in bulks of 20, per blueprint. */
  readonly upserts: number;
  /** Its read-back search of every entity, in chunks of 50 identifiers, per blueprint. */
  readonly searches: number;
  readonly total: number;
}

export interface FractionResult {
  readonly fraction: number;
  readonly counts: DatasetCounts;
  readonly phases: readonly PhaseMeasurement[];
  /** Staged entities per blueprint after the cold run. */
  readonly entitiesByBlueprint: Readonly<Record<string, number>>;
  readonly ocean: OceanResyncRequests;
}

export interface PerRecordJqBaseline {
  readonly records: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU of this process (spawning, node-jq) and of the jq processes. */
  readonly cpuSeconds: number;
  readonly perCpuSecond: number;
  /** Records whose jq run failed (each still cost a spawn). */
  readonly errors: number;
}

export interface LatencyBaseline {
  readonly fraction: number;
  readonly latencyMs: number;
  readonly requests: number;
  readonly concurrentSeconds: number;
  /** The kind that took longest in the concurrent extract: a cursor chain is one request at a time, so it bounds the whole. */
  readonly longestKind: KindMeasurement | undefined;
  /** Kinds extracted one after another (`--only`), each stream one request at a time. */
  readonly sequentialSeconds: number;
  readonly sequentialRequests: number;
}

export interface RateLimitBaseline {
  readonly fraction: number;
  readonly rateLimit: SimulatedRateLimit;
  /** ETL_REQUESTS_PER_MINUTE given to the product: the same budget on the same clock. */
  readonly productRequestsPerMinute: number;
  readonly requests: number;
  readonly rateLimited: number;
  readonly seconds: number;
  /** requests ÷ budget. */
  readonly minimumSeconds: number;
}

export interface Baselines {
  readonly perRecordJq?: PerRecordJqBaseline;
  readonly latency?: LatencyBaseline;
  readonly rateLimit?: RateLimitBaseline;
}

export interface TargetVerdict {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  /** Undefined when this run did not measure it (e.g. the large scale was not run). */
  readonly pass: boolean | undefined;
}

/**
 * The phases of `--scale xl` (issue 14): a cold full run, the hourly run with nothing changed, a run
 * after 1% of the records changed, and a full refresh (`--full-refresh`). Each is one `etl run`.
 */
export const SYNC_PHASES = ["cold", "hourly", "one-percent", "full-refresh"] as const;
export type SyncPhaseName = (typeof SYNC_PHASES)[number];

/** One `etl run` in a product process of its own, under Incident.io's latency and budget. */
export interface SyncPhaseMeasurement {
  readonly phase: SyncPhaseName;
  /** What the phase changed in Incident.io before running; absent when it changed nothing. */
  readonly changed?: MutationReport;
  /** The whole process: start-up, the run, closing. */
  readonly wallSeconds: number;
  readonly extractSeconds: number;
  readonly transformSeconds: number;
  readonly loadSeconds: number;
  readonly incidentIoRequests: number;
  /** Incident.io requests by route and the filters they sent. */
  readonly incidentIoByRoute: Readonly<Record<string, number>>;
  /** incidentIoRequests as a share of an hour's budget (1,200 a minute: 72,000). */
  readonly hourBudgetShare: number;
  /** The least time the extract's requests take within the budget. */
  readonly budgetMinimumSeconds: number;
  readonly portRequests: number;
  readonly portRoutes: Readonly<Record<string, number>>;
  /** Entities Port wrote or deleted; placeholders apart. */
  readonly entityWrites: number;
  readonly placeholders: number;
  /** 429 answers from either sandbox. */
  readonly rateLimited: number;
  /** Records transform sent through jq, and the records it had. */
  readonly transformMapped: number;
  readonly transformRecords: number;
  readonly peakRssMb: number;
  /** The peak of the product's process tree (node and its jq processes), sampled from /proc. */
  readonly peakTreeRssMb: number;
  readonly kinds: readonly KindMeasurement[];
  readonly loadAverage: number;
}

/** What Port's Ocean would do in each of these phases: every resync reads and re-uploads everything (reference/port-ocean.md §3). */
export interface OceanSyncFigures {
  /** A full read of every kind, as our cold run's extract made it. */
  readonly incidentIoRequests: number;
  readonly hourBudgetShare: number;
  /** The least time that read takes within the budget. */
  readonly budgetMinimumSeconds: number;
  readonly portRequests: number;
  /** Every entity, upserted again. */
  readonly entityWrites: number;
}

export interface SyncScaleResult {
  readonly fraction: number;
  readonly counts: DatasetCounts;
  /** Added to every Incident.io answer. */
  readonly latencyMs: number;
  /** The budget the sandbox enforced and the product was given (ETL_REQUESTS_PER_MINUTE). */
  readonly requestsPerMinute: number;
  readonly phases: readonly SyncPhaseMeasurement[];
  readonly ocean: OceanSyncFigures;
  /** Port's entities against what the full refresh (a full read) staged, after it; absent when it did not run. */
  readonly portAfterFullRefresh?: PortComparison;
}

/**
 * `--webhooks` (issue 15): signed events streamed to `etl serve` at a fixed rate after a cold run,
 * then serve stopped with SIGTERM and Port compared with a full read.
 */
export interface WebhookPhaseResult {
  readonly counts: DatasetCounts;
  /** Mutations made in Incident.io, one signed event each, and the rate they were made at. */
  readonly planned: number;
  readonly perSecond: number;
  /** From the first mutation to the last. */
  readonly streamSeconds: number;
  /** The sender's counters: events posted, answered 2xx, posted again, given up on. */
  readonly sender: { readonly sent: number; readonly delivered: number; readonly redelivered: number; readonly gaveUp: number };
  /** Receipt → Port write, from the inbox (received_at → applied_at). */
  readonly latency: LatencySummary;
  /** The same from outside: the sandbox's first post → Port's first write of the entity after it. */
  readonly portWriteLatency: LatencySummary;
  /** Events whose entity Port did not write after their post (coalesced into a write before it, or no change). */
  readonly unmatchedEvents: number;
  /** Events applied per second, from the first receipt to the last application. */
  readonly appliedPerSecond: number;
  /** Events still pending in the inbox when serve was stopped. */
  readonly pending: number;
  /** serve's passes over the inbox (its run summary): events a pass = latency.count ÷ passes. */
  readonly passes: number;
  /** The machine's 1-minute load average when the stream ended: other work slows every pass. */
  readonly loadAverage: number;
  readonly incidentIoRequests: number;
  readonly incidentIoByRoute: Readonly<Record<string, number>>;
  readonly portRequests: number;
  readonly portRoutes: Readonly<Record<string, number>>;
  readonly entityWrites: number;
  /** The peak RSS of serve's process tree (node and its jq processes), sampled from /proc. */
  readonly serveTreeRssMb: number;
  /** serve's exit on SIGTERM: 0 when it stopped as it should. */
  readonly serveExit: string;
  /** Port's entities against what `etl run --full-refresh` staged afterwards, and what that run wrote. */
  readonly fullRefreshWrites: number;
  readonly portExact: PortComparison;
}

export interface BenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: { readonly node: string; readonly cpus: number; readonly totalMemoryMb: number; readonly loadAverageAtStart: number };
  readonly scale: BenchScale;
  readonly fractions: readonly FractionResult[];
  /** `--scale xl`: the sync phases at each fraction, instead of `fractions`. */
  readonly sync?: readonly SyncScaleResult[];
  /** `--webhooks`: the webhook phase, instead of `fractions`. */
  readonly webhooks?: WebhookPhaseResult;
  readonly baselines: Baselines;
  readonly targets: readonly TargetVerdict[];
  /** Set when the run stopped early: what failed. */
  readonly error?: string;
}
