import type { StagingDb } from "../../db/database";
import { createRecordReader } from "../extract";
import type { RecordRead, RecordReadOutcome } from "../extract/records-by-id";
import type { JqRunner } from "../jq/jq-runner";
import { loadRecords } from "../load";
import { recordKeyOf } from "../load/record-plan";
import { createPortClient } from "../load/port-client";
import type { Config } from "../model/config";
import type { ResourceMapping } from "../model/mapping";
import type { Progress } from "../model/progress";
import type { AppliedRecord, RecordToApply } from "../model/webhook";
import { userAgentFor } from "../pipeline/stage-inputs";
import { transformRecords } from "../transform";
import { decideAppliedOutcome, findMappedResource } from "./record-resources";

/** What applying records shares with a run: the configuration, the writer's staging file, the run it stamps rows with, jq. */
export interface RecordApplierContext {
  readonly config: Config;
  /** The writer's connection; the caller holds the staging file's lock while `apply` runs. */
  readonly db: StagingDb;
  readonly runId: number;
  readonly jq: JqRunner;
  readonly progress: Progress;
}

export interface RecordApplier {
  /**
   * Brings Port up to date with each record's current state in Incident.io; one outcome per record,
   * in order. Once `signal` aborts (SIGTERM), requests in flight finish but no wait before a retry
   * or a new request is made: the records left are "retry", and their events stay pending. The
   * stages are not stopped between batches: a record staged and mapped but not pushed would look
   * applied. Never throws: a failure is the outcome of the records it concerns.
   */
  apply(records: readonly RecordToApply[], signal?: AbortSignal): Promise<AppliedRecord[]>;
  close(): Promise<void>;
}

/** Per kind, the ids of the records whose reads came to one of `states`. */
function scopeOf(reads: readonly (RecordRead & { readonly outcome: RecordReadOutcome })[], states: readonly RecordReadOutcome["state"][]): Map<string, string[]> {
  const scope = new Map<string, string[]>();
  for (const read of reads) {
    if (!states.includes(read.outcome.state)) continue;
    scope.set(read.resource.kind, [...(scope.get(read.resource.kind) ?? []), read.recordId]);
  }
  return scope;
}

/**
 * Opens the applier `serve` drains its inbox with. For each record it reads the record by ID from
 * Incident.io (the event is only a hint; the truth is read, so an older event applied after a newer
 * one changes nothing) and stages it as a full read would (createRecordReader: a 404 removes it, a
 * record its list would not return is not staged), maps the records that changed with the mapping of
 * `config` (transformRecords) and pushes the diff of their entities only (loadRecords: the deletion
 * guards hold, except for records the API confirmed gone). Follow-ups, which `/v3/follow_ups` cannot
 * show by ID, are found in their incident's `/v3/follow_ups` list (the incident their staged record
 * names, or Follow-ups V2#Show's for a new one), so the event's payload is never used: the inbox
 * keeps none. One HTTP client, request budget and Port client (and its access token) serve every
 * pass until `close`.
 */
export function createRecordApplier(context: RecordApplierContext): RecordApplier {
  const { config, db, jq, runId } = context;
  const userAgent = userAgentFor(config);
  // The clients live as long as the applier; the first pass told to stop stops them for good.
  const stopping = new AbortController();
  const warn = (stage: "extract" | "load") => (message: string) => context.progress.report({ type: "warning", stage, message });
  const reader = createRecordReader({ db, jq, signal: stopping.signal, onWait: warn("extract") }, { settings: config.incidentIo, network: config.network, userAgent });
  const client = createPortClient({ port: config.port, network: config.network, userAgent, signal: stopping.signal, onWait: warn("load") });
  const resources = config.mapping.resources;

  return {
    async apply(records, signal) {
      const stop = () => stopping.abort();
      if (signal?.aborted) stop();
      signal?.addEventListener("abort", stop, { once: true });
      try {
        return await applyAll(records);
      } finally {
        signal?.removeEventListener("abort", stop);
      }
    },
    async close() {
      reader.close();
      client.close();
    },
  };

  async function applyAll(records: readonly RecordToApply[]): Promise<AppliedRecord[]> {
    const outcomes: (AppliedRecord | undefined)[] = records.map((record) => (findMappedResource(record.resource, resources) ? undefined : { record, outcome: { state: "not-mapped" } }));
    const toRead = records.flatMap((record, index) => {
      const resource = findMappedResource(record.resource, resources) as ResourceMapping;
      return outcomes[index] === undefined ? [{ index, resource, recordId: record.recordId }] : [];
    });
    const readOutcomes = await reader.stage(runId, toRead);
    const reads = toRead.map((read, at) => ({ ...read, outcome: readOutcomes[at] as RecordReadOutcome }));
    const changed = scopeOf(reads, ["staged", "unlisted", "gone"]);
    let loaded: Map<string, { writes: number } | { error: string }> = new Map();
    if (changed.size > 0) {
      try {
        await transformRecords(
          { db, jq, progress: context.progress },
          { runId, resources, records: changed, blueprints: config.blueprints, createMissingRelatedEntities: config.mapping.createMissingRelatedEntities },
        );
        loaded = await loadRecords({ db, client }, { runId, mapping: config.mapping, blueprints: config.blueprints, records: changed, gone: scopeOf(reads, ["gone"]) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        loaded = new Map(reads.map((read) => [recordKeyOf(read.resource.kind, read.recordId), { error: message }]));
      }
    }
    for (const read of reads) {
      const record = records[read.index] as RecordToApply;
      outcomes[read.index] = { record, outcome: decideAppliedOutcome(read.outcome, loaded.get(recordKeyOf(read.resource.kind, read.recordId))) };
    }
    return outcomes as AppliedRecord[];
  }
}
