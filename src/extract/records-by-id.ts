import type { StagingDb } from "../../db/database";
import { deleteRawRecordsOfIds, readRawPayload, upsertRawRecords, type RawRecordRow } from "../../db/queries/raw-records";
import { HttpError } from "../errors";
import { createHostVerdicts } from "../http/host-verdicts";
import { createHttpClient } from "../http/http-client";
import { createRequestBudget } from "../http/request-budget";
import type { IncidentIoSettings, NetworkSettings } from "../model/config";
import type { ResourceMapping } from "../model/mapping";
import { createLimiter, forEachBounded } from "./concurrency";
import { buildPageTarget, parseEndpoint } from "./endpoints";
import { buildAuthHeaders, fetchPage } from "./incidentio-client";
import { createItemReader } from "./items";
import { readPageStream } from "./page-stream";
import { describeShowRead, isListedByFullRead, readShownRecord, showPathOf, type ShowRead } from "./record-show";
import { parseDropRules, toRawRow } from "./records";
import type { JqRunner } from "../jq/jq-runner";

export interface RecordReaderDeps {
  readonly db: StagingDb;
  /** For a data_path that is more than keys (createItemReader), as the extract uses it. */
  readonly jq: JqRunner;
  /** Aborted on SIGTERM: reads not yet sent fail as interrupted. */
  readonly signal?: AbortSignal | undefined;
  /** Told of every wait before a retry (`429 from GET /v2/incidents/…: waiting 12 s (attempt 2 of 8)`). */
  readonly onWait?: ((message: string) => void) | undefined;
}

export interface RecordReaderInput {
  readonly settings: IncidentIoSettings;
  readonly network: NetworkSettings;
  readonly userAgent: string;
}

/** One record to read by ID, of the kind `resource` reads (a resource without path parameters). */
export interface RecordRead {
  readonly resource: ResourceMapping;
  readonly recordId: string;
}

/** What reading one record by ID did to raw_records. */
export type RecordReadOutcome =
  /** The record exists and its list returns it: staged as the extract stages it. */
  | { readonly state: "staged" }
  /**
   * The record exists but the list a full read pages would not return it (a test incident): not
   * staged; whatever a full read staged of it is left for the next full read to judge.
   */
  | { readonly state: "unlisted" }
  /** The API answered 404: the record is gone, and so are its raw rows. */
  | { readonly state: "gone" }
  /** The read failed after the HTTP client's retries, or the kind cannot be read by ID: nothing changed. */
  | { readonly state: "failed"; readonly error: string };

/** Reads records by ID into raw_records, over one HTTP client and request budget for its whole life. */
export interface RecordReader {
  /** Reads each record by ID and stages it (or removes it on a 404), stamped with `runId`; one outcome per read, in order. */
  stage(runId: number, reads: readonly RecordRead[]): Promise<RecordReadOutcome[]>;
  close(): void;
}

// Reads in flight at once; the budget bounds the rate.
const READS_IN_FLIGHT = 4;
// An incident's follow-ups fit a page or two: the bound only stops a list whose paging never ends.
const FOLLOW_UP_PAGES_MAX = 1_000;

/** A follow-up as its incident's list holds it, or why there is none: Show answered 404 (`gone`), or the list does not hold it. */
type FoundFollowUp = { readonly record: Record<string, unknown> } | { readonly record: undefined; readonly gone: boolean };

/** The `incident_id` a follow-up names, if any. */
function incidentIdOf(record: unknown): string | undefined {
  const incidentId = record !== null && typeof record === "object" ? (record as Record<string, unknown>)["incident_id"] : undefined;
  return typeof incidentId === "string" && incidentId !== "" ? incidentId : undefined;
}

/**
 * Opens a reader of single records for `serve`: each is read from the API by ID (see describeShowRead)
 * with the extract's HTTP client, retries and request budget, and staged in raw_records exactly as a
 * full read stages it (secret fields dropped, the same payload and hash, parent key ''). A 404 is the
 * API confirming the record is gone: its raw rows are deleted. A record its list would not return
 * (isListedByFullRead) is not staged. Never throws: a read or write that failed is its outcome.
 */
export function createRecordReader(deps: RecordReaderDeps, input: RecordReaderInput): RecordReader {
  const http = createHttpClient({
    stage: "extract",
    network: input.network,
    userAgent: input.userAgent,
    maxAttempts: input.settings.maxAttempts,
    budget: createRequestBudget({ requestsPerMinute: input.settings.requestsPerMinute }),
    signal: deps.signal,
    hosts: createHostVerdicts(),
    baseUrlSetting: "OCEAN__INTEGRATION__CONFIG__BASE_URL",
    onRetry: (info) => deps.onWait?.(info.message),
  });
  const headers = buildAuthHeaders(input.settings.auth);
  const dropRules = parseDropRules(input.settings.dropFields);
  const baseUrl = input.settings.baseUrl;

  const get = async (path: string): Promise<unknown> => {
    const { url } = buildPageTarget(baseUrl, { path, query: {} }, {}, {}, {});
    return (await fetchPage(http, headers, { url, path, cursor: undefined })).page;
  };

  /** The record by its Show, or undefined on a 404. */
  const show = async (path: string, envelope: string, id: string): Promise<Record<string, unknown> | undefined> => {
    const at = showPathOf(path, id);
    try {
      return readShownRecord(await get(at), envelope, at);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  };

  /**
   * The follow-up as `/v3/follow_ups` lists it, found among its incident's follow-ups. Its incident
   * is the one its staged record names; only a follow-up never staged is looked up by Follow-ups
   * V2#Show. So a 404 from Show, which would also be the answer once the deprecated v2 routes are
   * removed, never removes a staged follow-up: one missing from its incident's list is left for the
   * next full read to judge (and the API marks a deleted follow-up `status: deleted` anyway).
   */
  const findFollowUp = async (resource: ResourceMapping, read: Extract<ShowRead, { type: "follow-up" }>, id: string): Promise<FoundFollowUp> => {
    const staged = await readRawPayload(deps.db, resource.kind, "", id);
    let incidentId = staged === undefined ? undefined : incidentIdOf(JSON.parse(staged));
    if (incidentId === undefined) {
      const shown = await show(read.showPath, read.envelope, id);
      if (shown === undefined) return { record: undefined, gone: true };
      incidentId = incidentIdOf(shown);
    }
    if (incidentId === undefined) return { record: undefined, gone: false };
    const endpoint = parseEndpoint(resource.kind);
    let found: Record<string, unknown> | undefined;
    // keepPaging sees a page that is not the last before onPage would, and ends the stream without storing it.
    const look = (items: readonly unknown[]): boolean => {
      found ??= items.find((item): item is Record<string, unknown> => item !== null && typeof item === "object" && (item as Record<string, unknown>)["id"] === id);
      return found === undefined;
    };
    await readPageStream(
      {
        baseUrl,
        endpoint,
        queryParams: { ...resource.selector.queryParams, incident_id: incidentId },
        values: {},
        pagination: resource.selector.pagination,
        readItems: createItemReader(resource.selector.dataPath, endpoint.path, "data_path", deps.jq),
        maxPages: FOLLOW_UP_PAGES_MAX,
      },
      {
        limiter: createLimiter(1),
        fetch: async (request) => (await fetchPage(http, headers, request)).page,
        onPage: async (_page, items) => {
          look(items);
        },
        stopReason: () => (deps.signal?.aborted ? new Error("interrupted before the follow-up was found") : undefined),
        keepPaging: (_index, items) => look(items),
      },
    );
    return found === undefined ? { record: undefined, gone: false } : { record: found };
  };

  const readOne = async (read: RecordRead, runId: number): Promise<RecordReadOutcome> => {
    const how = describeShowRead(read.resource.kind);
    if (how === undefined || read.resource.selector.pathParameters.length > 0) {
      return { state: "failed", error: `${read.resource.kind} records cannot be read by ID` };
    }
    let record: Record<string, unknown> | undefined;
    if (how.type === "show") {
      record = await show(how.path, how.envelope, read.recordId);
      if (record === undefined) return await removeRecord(read);
      if (!isListedByFullRead(read.resource, record)) return { state: "unlisted" };
    } else {
      const found = await findFollowUp(read.resource, how, read.recordId);
      // Not in its incident's list under the full read's filters (a test incident's), or deleted.
      if (found.record === undefined) return found.gone ? await removeRecord(read) : { state: "unlisted" };
      record = found.record;
    }
    const row: RawRecordRow = { kind: read.resource.kind, parent_key: "", ...toRawRow(record, dropRules, undefined), run_id: runId, fetched_at: new Date().toISOString() };
    await upsertRawRecords(deps.db, [row]);
    return { state: "staged" };
  };

  const removeRecord = async (read: RecordRead): Promise<RecordReadOutcome> => {
    await deleteRawRecordsOfIds(deps.db, read.resource.kind, [read.recordId]);
    return { state: "gone" };
  };

  return {
    async stage(runId, reads) {
      const outcomes: RecordReadOutcome[] = reads.map(() => ({ state: "failed", error: "not read" }));
      await forEachBounded(
        reads.map((read, index) => ({ read, index })),
        READS_IN_FLIGHT,
        async ({ read, index }) => {
          try {
            outcomes[index] = await readOne(read, runId);
          } catch (error) {
            outcomes[index] = { state: "failed", error: error instanceof Error ? error.message : String(error) };
          }
        },
      );
      return outcomes;
    },
    close: () => http.close(),
  };
}
