import type { StagingDb } from "../../db/database";
import { finishExtractStatus, listExtractHistory, readLastCompleteRead, startExtractStatus, updateExtractCounters, type ExtractOutcome } from "../../db/queries/extract-status";
import { countRawRecordsOfRun, deleteRawRecordsNotSeenIn, upsertRawRecords, type RawRecordRow } from "../../db/queries/raw-records";
import { listAlertsLeftOpen } from "../../db/queries/open-alerts";
import { deleteEarlierRejectedItems, insertRejectedItems, type RejectedItemRow } from "../../db/queries/rejected-items";
import { ConfigError, HttpError } from "../errors";
import { createHostVerdicts, type HostVerdicts } from "../http/host-verdicts";
import { createHttpClient, type HttpClient } from "../http/http-client";
import { createRequestBudget, type RequestBudget } from "../http/request-budget";
import type { JqRunner } from "../jq/jq-runner";
import type { IncidentIoSettings, IncrementalSettings, NetworkSettings } from "../model/config";
import type { PathParameter, ResourceMapping } from "../model/mapping";
import type { PaginationSettings } from "../model/pagination";
import type { Progress } from "../model/progress";
import type { ExtractKindSummary, ExtractMode, ExtractSummary } from "../model/summary";
import { alertShowPath, readAlertsIncrementally, readShownAlert, type AlertsReadSteps } from "./alerts-incremental";
import { createLimiter, forEachBounded, type Limiter } from "./concurrency";
import { buildPageTarget, parseEndpoint } from "./endpoints";
import { buildAuthHeaders, fetchPage } from "./incidentio-client";
import { decideExtractMode, findUpdatedSinceFilter, formatSince } from "./incremental";
import { createItemReader } from "./items";
import { PageError, readPageStream, type PageAt, type StreamHooks } from "./page-stream";
import { decidePageBound, pagingKey, type LastCompleteRead } from "./paginate";
import { selectParentValues } from "./parents";
import { dataPathKeys, sliceItemTexts } from "./item-texts";
import { findRejectionReason, parseDropRules, toRawRow, type DropRule } from "./records";
import { readInWindows, type ListRead } from "./windowed-read";
import { canReadInWindows, dayOf, isKnownLong } from "./windows";

export interface ExtractDeps {
  readonly db: StagingDb;
  readonly progress: Progress;
  readonly jq: JqRunner;
  /** Aborted on SIGTERM: no new page is started, the pages in hand are stored, unfinished kinds fail as interrupted. */
  readonly signal?: AbortSignal | undefined;
}

export interface ExtractInput {
  readonly runId: number;
  readonly settings: IncidentIoSettings;
  readonly network: NetworkSettings;
  readonly userAgent: string;
  /** Already narrowed by --only; resources sharing a kind are extracted once. */
  readonly resources: readonly ResourceMapping[];
  /** When kinds that can filter by update time are read in full rather than incrementally. */
  readonly incremental: IncrementalSettings;
  /** --full-refresh: read every kind in full, whatever its history. */
  readonly fullRefresh: boolean;
}

// Requests in flight across all kinds: with the budget, what keeps a run polite to the API.
const MAX_REQUESTS_IN_FLIGHT = 8;
// Parents of one kind read at once (Ocean reads 10 path-parameter endpoints at a time).
const MAX_PARENTS_IN_FLIGHT = 4;
const COUNTERS_EVERY_MS = 1000;

/** Why a stream stopped before its last page; not a failure of the page it was on. */
class StopError extends Error {}

interface RunContext {
  readonly deps: ExtractDeps;
  readonly input: ExtractInput;
  readonly budget: RequestBudget;
  /** Whether Incident.io's host answered or cannot be reached, shared by every kind's client: one finding fails them all at once. */
  readonly hosts: HostVerdicts;
  readonly limiter: Limiter;
  readonly authHeaders: Record<string, string>;
  readonly dropRules: readonly DropRule[];
  /** Parent records by (endpoint, query, paging, data_path): fetched once however many kinds use them. */
  readonly parentRecords: Map<string, Promise<unknown[]>>;
  /** The text of each page in hand, by its parsed value, for storing records as the API wrote them. */
  readonly pageTexts: WeakMap<object, string>;
}

interface Counters {
  pages: number;
  records: number;
  requests: number;
  rejected: number;
}

interface KindRun {
  readonly resource: ResourceMapping;
  /** The keys of data_path, for finding the records in a page's text (see sliceItemTexts); undefined when it is more than keys. */
  readonly itemKeys: readonly string[] | undefined;
  readonly counters: Counters;
  readonly started: number;
  readonly http: HttpClient;
  readonly hooks: Omit<StreamHooks, "onPage">;
  countersWrittenAt: number;
  /** Set when one parent's stream failed: the kind's other streams stop at their next page. */
  siblingFailed: boolean;
  /** The parameter and value of the stream that failed first, for the error line. */
  failedParent: string | undefined;
  /** The most pages one of the kind's streams may read (decidePageBound); set when the kind starts. */
  maxPages: number;
  /** Set when the kind's endpoint was replaced by its fallback, saying so (in the kind's summary). */
  warning: string | undefined;
  report(state: "running" | "done" | "failed", message?: string): void;
}

interface Failure {
  readonly endpoint: string | null;
  readonly cursor: string | null;
  readonly status: number | null;
  readonly message: string;
}

function describeFailure(error: unknown, parent: string | undefined): Failure {
  const prefix = parent ? `${parent}: ` : "";
  if (error instanceof StopError) return { endpoint: null, cursor: null, status: null, message: error.message };
  if (error instanceof HttpError) {
    return { endpoint: error.endpoint, cursor: error.cursor ?? null, status: error.status ?? null, message: `${prefix}${error.message}` };
  }
  if (error instanceof PageError) {
    const where = `GET ${error.endpoint}${error.cursor ? ` (cursor ${error.cursor})` : ""}`;
    return { endpoint: error.endpoint, cursor: error.cursor ?? null, status: null, message: `${prefix}${where}: ${error.message}` };
  }
  return { endpoint: null, cursor: null, status: null, message: `${prefix}${error instanceof Error ? error.message : String(error)}` };
}

async function readParentRecords(ctx: RunContext, run: KindRun, parameter: PathParameter): Promise<unknown[]> {
  const key = JSON.stringify([parameter.endpoint, parameter.queryParams, pagingKey(parameter.pagination), parameter.dataPath ?? null]);
  let records = ctx.parentRecords.get(key);
  if (!records) {
    const collected: unknown[] = [];
    // A parent endpoint that is also extracted as a kind is bounded by what that kind last held.
    records = readLastCompleteRead(ctx.deps.db, parameter.endpoint)
      .then((last) =>
        readPageStream(
          {
            baseUrl: ctx.input.settings.baseUrl,
            endpoint: parseEndpoint(parameter.endpoint),
            queryParams: parameter.queryParams,
            values: {},
            pagination: parameter.pagination,
            readItems: createItemReader(parameter.dataPath, parameter.endpoint, `path_parameters.${parameter.name}.data_path`, ctx.deps.jq),
            maxPages: decidePageBound(ctx.input.settings.pageBound, last, parameter.pagination.pageSize),
          },
          {
            ...run.hooks,
            onPage: async (_page, items) => {
              for (const item of items) collected.push(item);
            },
          },
        ),
      )
      .then(() => collected);
    // Kinds that share the parent endpoint see the same failure; nobody is left with an unhandled one.
    records.catch(() => undefined);
    ctx.parentRecords.set(key, records);
  }
  return records;
}

async function storePage(
  ctx: RunContext,
  run: KindRun,
  page: unknown,
  items: unknown[],
  at: PageAt,
  parent: { name: string; value: string } | undefined,
  keep?: (item: unknown) => boolean,
): Promise<void> {
  const { runId } = ctx.input;
  const kind = run.resource.kind;
  const fetchedAt = new Date().toISOString();
  // The records as the API wrote them, when its page is compact JSON and data_path a path of keys.
  let text: string | undefined;
  if (page !== null && typeof page === "object") {
    text = ctx.pageTexts.get(page);
    // Gone at once rather than at the next full collection, when V8 clears a weak map's dead keys.
    ctx.pageTexts.delete(page);
  }
  let texts = text === undefined || run.itemKeys === undefined ? undefined : sliceItemTexts(text, run.itemKeys);
  if (texts?.length !== items.length) texts = undefined;
  const parentKey = parent?.value ?? "";
  const rows: RawRecordRow[] = [];
  // Items that cannot be records are listed, never dropped: a record must not vanish without a trace.
  const rejected: RejectedItemRow[] = [];
  items.forEach((item, position) => {
    // Another window of the read stores it.
    if (keep && !keep(item)) return;
    const reason = findRejectionReason(item);
    if (reason !== undefined) {
      rejected.push({ run_id: runId, kind, parent_key: parentKey, endpoint: at.path, cursor: at.cursor ?? null, position, reason });
      return;
    }
    rows.push({ kind, parent_key: parentKey, ...toRawRow(item, ctx.dropRules, parent, texts?.[position]), run_id: runId, fetched_at: fetchedAt });
  });
  // One statement per page (a transaction when a page needs several): a crash leaves whole pages.
  if (rejected.length === 0) await upsertRawRecords(ctx.deps.db, rows);
  else {
    await ctx.deps.db.transaction().execute(async (trx) => {
      await upsertRawRecords(trx, rows);
      await insertRejectedItems(trx, rejected);
    });
  }
  run.counters.pages += 1;
  run.counters.records += rows.length;
  run.counters.rejected += rejected.length;
  // The counters are for watching a long run (`etl status`); writing them with every page would cost a third of the write time.
  const now = Date.now();
  if (now - run.countersWrittenAt >= COUNTERS_EVERY_MS) {
    run.countersWrittenAt = now;
    await updateExtractCounters(ctx.deps.db, runId, kind, { ...run.counters });
  }
  run.report("running");
}

/** The deprecated endpoint read when `/v3/follow_ups` is not served (an older API, or a spec without it): whole, unpaginated. */
const FOLLOW_UPS_V3 = "/v3/follow_ups";
const FOLLOW_UPS_V2 = "/v2/follow_ups";

/** Whether `error` is the 404 of the first page of `/v3/follow_ups`, which /v2/follow_ups replaces. */
function isMissingFollowUpsV3(error: unknown): boolean {
  return error instanceof HttpError && error.status === 404 && error.endpoint === FOLLOW_UPS_V3 && error.cursor === undefined;
}

/** Reads one list of a kind; resolves true when read to its end, false when `list.keepPaging` ended it. */
async function readKind(
  ctx: RunContext,
  run: KindRun,
  parent: { name: string; value: string } | undefined,
  filterParams: Readonly<Record<string, string>>,
  list?: Omit<ListRead, "params">,
): Promise<boolean> {
  const { resource } = run;
  const endpoint = parseEndpoint(resource.kind);
  const read = (path: string, pagination: PaginationSettings, queryParams: Readonly<Record<string, string>>) =>
    readPageStream(
      {
        baseUrl: ctx.input.settings.baseUrl,
        endpoint: { ...endpoint, path },
        queryParams,
        values: parent ? { [parent.name]: parent.value } : {},
        pagination,
        readItems: createItemReader(resource.selector.dataPath, path, "data_path", ctx.deps.jq),
        maxPages: run.maxPages,
      },
      { ...run.hooks, keepPaging: list?.keepPaging, onPage: (page, items, at) => storePage(ctx, run, page, items, at, parent, list?.keep) },
    );
  try {
    return await read(endpoint.path, resource.selector.pagination, { ...resource.selector.queryParams, ...filterParams });
  } catch (error) {
    if (!isMissingFollowUpsV3(error)) throw error;
    // /v2 lists every follow-up at once and takes no update-time filter: what it reads is whole. The
    // run summary says so, once: a progress line as well would say it twice in a plain log.
    run.warning = `${FOLLOW_UPS_V3} answered 404, so follow-ups were read from the deprecated ${FOLLOW_UPS_V2} (removed on 31 December 2026)`;
    return read(FOLLOW_UPS_V2, { ...resource.selector.pagination, type: "none" }, resource.selector.queryParams);
  }
}

/**
 * Reads every record of a kind that `filters` (none: the whole list) list: as created_at windows where
 * its endpoint and mapping allow (see readInWindows), since one cursor chain would wait out every
 * request's latency in turn; else as one chain. `last` is the kind's last complete full read: when it
 * found the whole list long, a filtered list is read in windows at once too, since windows cost a
 * short filtered list a few first pages, and a long one read first as a chain would cost every page
 * of that chain again.
 */
async function readWholeList(ctx: RunContext, run: KindRun, last: LastCompleteRead | undefined, filters: Readonly<Record<string, string>> = {}): Promise<void> {
  const { resource } = run;
  if (!canReadInWindows(resource)) {
    await readKind(ctx, run, undefined, filters);
    return;
  }
  const readList = async ({ params, ...list }: ListRead): Promise<boolean> => {
    try {
      return await readKind(ctx, run, undefined, { ...filters, ...params }, list);
    } catch (error) {
      run.siblingFailed = true;
      throw error;
    }
  };
  await readInWindows(readList, dayOf(run.started), isKnownLong(last, resource.selector.pagination.pageSize));
}

/** The steps of an incremental alerts read (alerts-incremental.ts) over this run's HTTP client and staging file. */
function alertsReadSteps(ctx: RunContext, run: KindRun, last: LastCompleteRead | undefined): AlertsReadSteps {
  return {
    readList: async (filters) => {
      await readKind(ctx, run, undefined, filters);
    },
    readWholeList: (filters) => readWholeList(ctx, run, last, filters),
    listLeftOpen: (limit) => listAlertsLeftOpen(ctx.deps.db, run.resource.kind, ctx.input.runId, limit),
    readOne: async (id) => {
      const stop = run.hooks.stopReason();
      if (stop) throw stop;
      const path = alertShowPath(id);
      const { url } = buildPageTarget(ctx.input.settings.baseUrl, { path, query: {} }, {}, {}, {});
      let page: unknown;
      try {
        page = await ctx.limiter.run(() => run.hooks.fetch({ url, path, cursor: undefined }));
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) return false;
        throw error;
      }
      await storePage(ctx, run, null, [readShownAlert(page, path)], { path, cursor: undefined }, undefined);
      return true;
    },
  };
}

/** The per-kind state, built before any kind starts so that a client that cannot be built fails the stage up front. */
function prepareKind(ctx: RunContext, resource: ResourceMapping): KindRun {
  const { progress, signal } = ctx.deps;
  const { settings } = ctx.input;
  const counters: Counters = { pages: 0, records: 0, requests: 0, rejected: 0 };
  const report = (state: "running" | "done" | "failed", message?: string) =>
    progress.report({ type: "kind", stage: "extract", kind: resource.kind, pages: counters.pages, records: counters.records, state, ...(message ? { message } : {}) });
  const http = createHttpClient({
    stage: "extract",
    network: ctx.input.network,
    userAgent: ctx.input.userAgent,
    maxAttempts: settings.maxAttempts,
    budget: ctx.budget,
    signal,
    hosts: ctx.hosts,
    baseUrlSetting: "OCEAN__INTEGRATION__CONFIG__BASE_URL",
    onRetry: (info) => {
      counters.requests += 1;
      report("running", info.message);
    },
  });
  const started = Date.now();
  const run: KindRun = {
    resource,
    itemKeys: dataPathKeys(resource.selector.dataPath),
    counters,
    countersWrittenAt: started,
    started,
    http,
    report,
    failedParent: undefined,
    siblingFailed: false,
    maxPages: ctx.input.settings.pageBound.minPages,
    warning: undefined,
    hooks: {
      limiter: ctx.limiter,
      fetch: async (request) => {
        counters.requests += 1;
        const { page, text } = await fetchPage(http, ctx.authHeaders, request);
        if (page !== null && typeof page === "object") ctx.pageTexts.set(page, text);
        return page;
      },
      stopReason: () =>
        signal?.aborted
          ? new StopError("interrupted before the extract finished")
          : run.siblingFailed
            ? new StopError("stopped: another page of this kind failed")
            : undefined,
    },
  };
  return run;
}

/**
 * Extracts one kind, in full or (where its endpoint filters by update time and its history allows)
 * only what changed; records its status and never throws for a failure of the kind itself (only for
 * the database's).
 */
async function extractKind(ctx: RunContext, run: KindRun): Promise<ExtractKindSummary> {
  const { db } = ctx.deps;
  const { runId } = ctx.input;
  const { resource, counters, report, http, started } = run;
  const filter = findUpdatedSinceFilter(resource);
  const decision = decideExtractMode({
    history: await listExtractHistory(db, resource.kind),
    settings: ctx.input.incremental,
    now: started,
    fullRefresh: ctx.input.fullRefresh,
    canFilter: filter !== undefined,
  });
  const since = decision.mode === "incremental" && filter ? formatSince(decision.since, filter.format) : undefined;
  // Alerts' filter finds only new alerts: their incremental read adds the open ones and those closed since.
  const readsAlerts = since !== undefined && filter?.finds === "creations";
  let mode: ExtractMode = decision.mode;
  const filterParams: Record<string, string> = since !== undefined && filter ? { [filter.param]: since } : {};
  const last = await readLastCompleteRead(db, resource.kind);
  run.maxPages = decidePageBound(ctx.input.settings.pageBound, last, resource.selector.pagination.pageSize);
  await startExtractStatus(db, { runId, kind: resource.kind, mode: decision.mode, since, startedAt: new Date(started).toISOString() });
  await deleteEarlierRejectedItems(db, resource.kind, runId);
  report("running");
  let outcome: ExtractOutcome;
  try {
    const [parameter] = resource.selector.pathParameters;
    if (parameter === undefined && decision.mode === "full") {
      await readWholeList(ctx, run, last);
    } else if (parameter === undefined && readsAlerts) {
      const read = await readAlertsIncrementally(alertsReadSteps(ctx, run, last), filterParams, ctx.input.incremental.alertsByIdMax);
      if (read.mode === "full") {
        mode = "full";
        run.warning = `more than ${ctx.input.incremental.alertsByIdMax} alerts open at the last read are no longer open (ETL_ALERTS_BY_ID_MAX), so alerts were read in full`;
      }
    } else if (parameter === undefined) {
      await readKind(ctx, run, undefined, filterParams);
    } else {
      const parents = await selectParentValues(await readParentRecords(ctx, run, parameter), parameter, ctx.deps.jq);
      await forEachBounded(parents, MAX_PARENTS_IN_FLIGHT, async (value) => {
        try {
          await readKind(ctx, run, { name: parameter.name, value }, filterParams);
        } catch (error) {
          if (!run.siblingFailed) run.failedParent = `${parameter.name} ${value}`;
          run.siblingFailed = true;
          throw error;
        }
      });
    }
    counters.records = await countRawRecordsOfRun(db, resource.kind, runId);
    outcome = { status: "complete" };
  } catch (error) {
    const failure = describeFailure(error, run.failedParent);
    outcome = { status: "failed", endpoint: failure.endpoint, cursor: failure.cursor, httpStatus: failure.status, error: failure.message };
  } finally {
    http.close();
  }
  const finishedAt = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    // Only a complete full read may conclude that the records it did not see are gone; an incremental
    // one merges what changed into the last full snapshot.
    if (outcome.status === "complete" && mode === "full") await deleteRawRecordsNotSeenIn(trx, resource.kind, runId);
    await finishExtractStatus(trx, runId, resource.kind, { counters: { ...counters }, finishedAt, outcome, mode });
  });
  report(outcome.status === "complete" ? "done" : "failed", outcome.status === "failed" ? outcome.error : undefined);
  return {
    kind: resource.kind,
    name: resource.name,
    status: outcome.status,
    mode,
    ...(since === undefined || mode === "full" ? {} : { since }),
    pages: counters.pages,
    records: counters.records,
    requests: counters.requests,
    rejected: counters.rejected,
    durationMs: Date.now() - started,
    ...(outcome.status === "failed" ? { error: outcome.error } : {}),
    ...(run.warning === undefined ? {} : { warning: run.warning }),
  };
}

/**
 * Extracts every kind of `input.resources` from Incident.io into raw_records, concurrently within one
 * request budget, and records each kind's outcome and mode in extract_status. Kinds whose endpoint
 * filters by update time are read incrementally between periodic full reads (see decideExtractMode),
 * merging what changed; only a complete full read deletes the records it no longer saw. A kind that
 * fails (after the HTTP client's retries) is reported failed in the summary while the others go on;
 * its stored records stay.
 * Throws ConfigError for an unusable resource, and whatever the staging database throws.
 */
export async function extract(deps: ExtractDeps, input: ExtractInput): Promise<ExtractSummary> {
  const started = Date.now();
  const byKind = new Map<string, ResourceMapping>();
  for (const resource of input.resources) if (!byKind.has(resource.kind)) byKind.set(resource.kind, resource);
  const resources = [...byKind.values()];
  const unsupported = resources.filter((r) => r.selector.pathParameters.length > 1);
  if (unsupported.length > 0) {
    throw new ConfigError(unsupported.map((r) => `resources[${r.index}].selector.path_parameters: only one path parameter per resource is supported`));
  }
  const ctx: RunContext = {
    deps,
    input,
    budget: createRequestBudget({ requestsPerMinute: input.settings.requestsPerMinute }),
    hosts: createHostVerdicts(),
    limiter: createLimiter(MAX_REQUESTS_IN_FLIGHT),
    authHeaders: buildAuthHeaders(input.settings.auth),
    dropRules: parseDropRules(input.settings.dropFields),
    parentRecords: new Map(),
    pageTexts: new WeakMap(),
  };
  const runs = resources.map((resource) => prepareKind(ctx, resource));
  deps.progress.report({ type: "stage-start", stage: "extract", kinds: resources.map((r) => r.kind) });
  const settled = await Promise.allSettled(runs.map((run) => extractKind(ctx, run)));
  const unexpected = settled.find((result) => result.status === "rejected");
  if (unexpected) {
    deps.progress.report({ type: "stage-end", stage: "extract", ok: false });
    throw unexpected.reason;
  }
  const kinds = settled.map((result) => (result as PromiseFulfilledResult<ExtractKindSummary>).value);
  deps.progress.report({ type: "stage-end", stage: "extract", ok: kinds.every((k) => k.status === "complete") });
  return { runId: input.runId, kinds, requests: kinds.reduce((sum, k) => sum + k.requests, 0), durationMs: Date.now() - started };
}

export { createRecordReader } from "./records-by-id";
