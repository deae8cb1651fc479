import { existsSync } from "node:fs";
import { asDamagedStagingFile, openDatabase, type OpenedDatabase } from "../../db/database";
import { readPortBinding } from "../../db/queries/port-binding";
import { createRun, finishRun } from "../../db/queries/runs";
import { listPendingEvents, markEventsApplied, pruneAppliedEvents, readInboxStatus, recordApplyAttempt } from "../../db/queries/webhook-inbox";
import { ConfigError, LockedError } from "../errors";
import { createJqRunner } from "../jq/jq-runner";
import { checkMappingCompiles } from "../transform";
import type { Config } from "../model/config";
import type { Progress } from "../model/progress";
import { redactSecrets } from "../model/secret";
import type { AppliedRecord } from "../model/webhook";
import { resolveMapping } from "../pipeline/mapping-source";
import { checkPortBinding } from "../pipeline/port-binding";
import { runOnSchedule } from "../pipeline/schedule";
import { lockStagingFile } from "../pipeline/staging-lock";
import { createRecordApplier, type RecordApplier } from "./apply-records";
import { coalesceEvents, measureLag, recordKey, retryDelayMs, selectDueEvents, settlePass } from "./drain-plan";
import { createRefusalLog } from "./refusal-log";
import { startWebhookReceiver } from "./webhook-receiver";
import { createWriterMutex } from "./writer-mutex";

export interface ServeDeps {
  readonly config: Config;
  /** Aborted on SIGTERM/SIGINT: stop accepting (readyz 503), finish the pass or sync in hand, return. */
  readonly signal: AbortSignal;
  /** One plain log line (no newline); never given a secret. */
  readonly log: (line: string) => void;
  /** Where the applier reports its stages' progress. */
  readonly progress: Progress;
  /**
   * POLLING: one scheduled sync (`run`), which reports its own outcome; serve calls it at start and
   * every OCEAN__SCHEDULED_RESYNC_INTERVAL minutes after the previous one ended, never during a pass.
   */
  readonly runScheduledSync?: (() => Promise<void>) | undefined;
  /** Registers a synchronous cleanup for an immediate exit (a second signal); returns its unregister. */
  readonly atForcedExit?: ((cleanup: () => void) => () => void) | undefined;
}

/** What one serve process did, printed when it stops. */
export interface ServeSummary {
  readonly url: string;
  readonly passes: number;
  /** Inbox events marked applied (duplicates of one record coalesced into one read). */
  readonly events: number;
  readonly records: { readonly applied: number; readonly deleted: number; readonly notMapped: number };
  readonly writes: number;
  /** Attempts that failed and will be retried (the events stayed pending). */
  readonly retries: number;
  readonly scheduledSyncs: number;
  /** Events committed but not applied when serve stopped: the next start applies them. */
  readonly pendingAtExit: number;
  /** Requests refused or ignored, per class of the receiver's line (`webhook refused (401)`). */
  readonly refused: readonly { readonly class: string; readonly count: number }[];
}

/** Most events one pass takes up; more wait for the next pass, which starts at once. */
const PASS_LIMIT = 500;
/** How often the drain loop looks at the inbox without being woken: retries that came due. */
const IDLE_POLL_MS = 1_000;
/**
 * Applied events are remembered this long, to answer a redelivery as a duplicate (Svix gives up 24 hours
 * after the first attempt), and forgotten at most once an hour after that, so the inbox does not grow for good.
 */
const APPLIED_RETENTION_MS = 3 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** How often it tries again while another process holds the staging file's lock. */
const BUSY_POLL_MS = 5_000;
/**
 * The writer connection waits this long for another process's write transaction, synchronously: the
 * receiver shares this event loop, so a long wait would stall every webhook answer. A pass that meets
 * a busy file retries later.
 */
const WRITER_BUSY_TIMEOUT_MS = 250;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Refuses a staging file that no sync reached Port from: without POLLING there is nothing to diff an event's record against. */
async function refuseUnsyncedFile(opened: OpenedDatabase, config: Config): Promise<void> {
  if (!(await readPortBinding(opened.db))) throw new ConfigError([describeUnsynced(config.databasePath)]);
  await checkPortBinding(opened.db, config.databasePath, config.port, false);
}

function describeUnsynced(path: string): string {
  return (
    `ETL_DB: ${path} has never been synced to Port, so serve has nothing to apply events over; ` +
    `run a sync first (etl run), or serve with OCEAN__EVENT_LISTENER={"type":"POLLING"} to run the scheduled syncs in the same process`
  );
}

/** The receiver's listen failure as one line naming the setting to change. */
function describeListenFailure(error: unknown, config: Config): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${config.serve.host}:${config.serve.port}`;
  if (code === "EADDRINUSE") return new ConfigError([`ETL_SERVE_PORT: ${where} is already in use by another process; stop it or set ETL_SERVE_PORT to a free port`]);
  if (code === "EACCES") return new ConfigError([`ETL_SERVE_PORT: not allowed to listen on ${where} (ports below 1024 need privileges); set ETL_SERVE_PORT to 1024 or above`]);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return new ConfigError([`ETL_SERVE_HOST: ${config.serve.host} is not an address of this machine; set ETL_SERVE_HOST (0.0.0.0 listens on all)`]);
  return undefined;
}

/**
 * The drain loop's alarm clock: `wait` resolves after `ms`, on abort, or (when `wakes` is on) on
 * `wake()`; a wake that came while no one waited is kept for the next wait that takes wakes.
 */
function createWaker(signal: AbortSignal) {
  let woken = true;
  let resolveWait: (() => void) | undefined;
  return {
    wake() {
      woken = true;
      resolveWait?.();
    },
    async wait(ms: number, wakes: boolean): Promise<void> {
      if (signal.aborted || (wakes && woken)) {
        woken = false;
        return;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolveWait = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        if (wakes) resolveWait = done;
        signal.addEventListener("abort", done, { once: true });
      });
      if (wakes) woken = false;
    },
  };
}

/**
 * `etl serve`: receives Incident.io's webhooks (POST /webhooks/incidentio) into the staging file's
 * inbox and applies them to Port, one pass at a time: pending events are coalesced per record, each
 * record is read from the API and pushed as a narrow diff, and events are marked applied only after
 * Port has the record. Pending events of an earlier process are applied first. With POLLING it runs
 * the scheduled syncs too, never at the same time as a pass. Returns when `signal` aborts, after the
 * pass in hand. Throws ConfigError before listening when the settings or the staging file cannot
 * serve (nothing synced yet without POLLING, another Port, a port in use).
 */
export async function serveWebhooks(deps: ServeDeps): Promise<ServeSummary> {
  const { config } = deps;
  const path = config.databasePath;
  const polling = deps.runScheduledSync !== undefined;
  const secret = config.serve.webhookSecret;
  if (!secret) throw new ConfigError(["ETL_WEBHOOK_SECRET is required to serve"]);
  if (!polling && !existsSync(path)) throw new ConfigError([describeUnsynced(path)]);
  const opened = openDatabase(path);
  let receiverConnection: OpenedDatabase | undefined;
  try {
    opened.sqlite.pragma(`busy_timeout = ${WRITER_BUSY_TIMEOUT_MS}`);
    if (!polling) await refuseUnsyncedFile(opened, config);
    receiverConnection = openDatabase(path);
    return await serveOver(deps, opened, receiverConnection, secret);
  } catch (error) {
    throw asDamagedStagingFile(error, path);
  } finally {
    await receiverConnection?.close();
    await opened.close();
  }
}

async function serveOver(deps: ServeDeps, opened: OpenedDatabase, receiverConnection: OpenedDatabase, secret: NonNullable<Config["serve"]["webhookSecret"]>): Promise<ServeSummary> {
  const { config, signal, log } = deps;
  const { db } = opened;
  const mutex = createWriterMutex();
  const waker = createWaker(signal);
  const jq = await createJqRunner(config.jqPath as string);
  // The mapping a run would use now (Port's integration config as the last sync kept it, or a named
  // file), compiled before listening: a typo fails the start, not every pass.
  const resolveRunMapping = async () => {
    const { mapping } = await resolveMapping(db, { config, client: undefined, push: false, writes: false, warn: (message) => log(`serve: warning: ${message}`) });
    await checkMappingCompiles(jq, mapping.resources);
    return mapping;
  };
  let mapping = await resolveRunMapping();
  const totals: Totals = { passes: 0, events: 0, applied: 0, deleted: 0, notMapped: 0, writes: 0, retries: 0, scheduledSyncs: 0 };
  const refusals = createRefusalLog(log);
  const listening = await startWebhookReceiver({
    host: config.serve.host,
    port: config.serve.port,
    secret,
    db: receiverConnection.db,
    onEvent: () => waker.wake(),
    log: (line) => refusals.line(line),
  }).catch((error: unknown) => {
    throw describeListenFailure(error, config) ?? error;
  });
  log(`serve: listening on ${listening.url} (POST /webhooks/incidentio, GET /healthz, GET /readyz); staging file ${config.databasePath}`);
  const applier = createApplierSlot(db, totals, (runId) => createRecordApplier({ config: Object.freeze({ ...config, mapping }), db, runId, jq, progress: deps.progress }));
  let failure: unknown;
  try {
    const stopAccepting = () => {
      listening.stopAccepting();
      log("serve: stopping: no longer accepting events (readyz answers 503); finishing the pass in hand");
    };
    if (signal.aborted) stopAccepting();
    else signal.addEventListener("abort", stopAccepting, { once: true });
    const schedule = deps.runScheduledSync
      ? runScheduledSyncs(deps, deps.runScheduledSync, mutex.run.bind(mutex), applier, async () => {
          totals.scheduledSyncs += 1;
          // The sync may have read a new mapping from Port: the next pass maps with it.
          mapping = await resolveRunMapping().catch((error: unknown) => {
            log(`serve: the mapping no longer loads, passes keep the previous one: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
            return mapping;
          });
          // Events that came in during the sync were not applied: look at the inbox now.
          waker.wake();
        })
      : Promise.resolve();
    const drain = drainInbox({ deps, opened, applier, totals, waker, run: (work) => mutex.run(work) });
    await Promise.all([schedule, drain]);
  } catch (error) {
    failure = error;
  }
  await listening.close();
  await applier.reset(failure);
  const pendingAtExit = (await readInboxStatus(db)).pending;
  const summary: ServeSummary = {
    url: listening.url,
    passes: totals.passes,
    events: totals.events,
    records: { applied: totals.applied, deleted: totals.deleted, notMapped: totals.notMapped },
    writes: totals.writes,
    retries: totals.retries,
    scheduledSyncs: totals.scheduledSyncs,
    pendingAtExit,
    refused: refusals.totals(),
  };
  log(
    `serve: stopped after ${summary.passes} passes: ${summary.events} events applied (${summary.records.applied} records written, ` +
      `${summary.records.deleted} deleted, ${summary.records.notMapped} not mapped), ${summary.writes} writes to Port, ${summary.retries} attempts to retry, ` +
      `${summary.scheduledSyncs} scheduled syncs; ${pendingAtExit} events pending (the next start applies them)` +
      `${summary.refused.length > 0 ? `; refused or ignored: ${summary.refused.map((entry) => `${entry.class} ×${entry.count}`).join(", ")}` : ""}`,
  );
  if (failure !== undefined) throw failure;
  return summary;
}

type Totals = { passes: number; events: number; applied: number; deleted: number; notMapped: number; writes: number; retries: number; scheduledSyncs: number };

/**
 * The applier of the passes and the `serve` row of the runs table it stamps staged rows with: opened
 * at the first pass after a start or a scheduled sync, finished before the next sync (whose start
 * closes every row still running as abandoned) and at exit, with the passes it ran.
 */
interface ApplierSlot {
  get(): Promise<RecordApplier>;
  /** Closes the applier in hand and finishes its run row (failed when `failure` is given); the next `get` opens new ones. */
  reset(failure?: unknown): Promise<void>;
}

function createApplierSlot(db: OpenedDatabase["db"], totals: Totals, open: (runId: number) => RecordApplier): ApplierSlot {
  let current: { applier: RecordApplier; runId: number; before: Totals } | undefined;
  return {
    async get() {
      if (!current) {
        const runId = await createRun(db, "serve", {}, new Date().toISOString());
        current = { applier: open(runId), runId, before: { ...totals } };
      }
      return current.applier;
    },
    async reset(failure) {
      const closing = current;
      current = undefined;
      if (!closing) return;
      await closing.applier.close();
      const { before } = closing;
      const summary = {
        passes: totals.passes - before.passes,
        events: totals.events - before.events,
        records: { applied: totals.applied - before.applied, deleted: totals.deleted - before.deleted, notMapped: totals.notMapped - before.notMapped },
        writes: totals.writes - before.writes,
        retries: totals.retries - before.retries,
      };
      const error = failure === undefined ? undefined : redactSecrets(failure instanceof Error ? failure.message : String(failure));
      // serve's passes end when a sync is due or the process stops: that is their normal end, not an interruption.
      await finishRun(db, closing.runId, { status: failure === undefined ? "succeeded" : "failed", finishedAt: new Date().toISOString(), summary, error });
    },
  };
}

/** POLLING: the scheduled syncs, each inside the writer mutex, with no serve row running meanwhile. */
async function runScheduledSyncs(
  deps: ServeDeps,
  runScheduledSync: () => Promise<void>,
  exclusive: <T>(work: () => Promise<T>) => Promise<T>,
  applier: ApplierSlot,
  afterSync: () => Promise<void>,
): Promise<void> {
  const minutes = deps.config.scheduledResyncIntervalMinutes;
  deps.log(`serve: POLLING: a sync now and then every ${minutes} minutes; events wait while one runs`);
  await runOnSchedule(minutes * 60_000, deps.signal, async () => {
    await exclusive(async () => {
      await applier.reset();
      await runScheduledSync().catch((error: unknown) => {
        // A failed sync does not stop serving: the next one repairs what it left.
        deps.log(`serve: the scheduled sync failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
      });
      await afterSync();
    });
  });
}

interface DrainContext {
  readonly deps: ServeDeps;
  readonly opened: OpenedDatabase;
  readonly applier: ApplierSlot;
  readonly totals: Totals;
  readonly waker: ReturnType<typeof createWaker>;
  readonly run: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Passes over the inbox until `signal` aborts: woken by each committed event, else every IDLE_POLL_MS for retries that came due. */
async function drainInbox(context: DrainContext): Promise<void> {
  const { deps, waker } = context;
  const notBefore = new Map<string, number>();
  let isBound = deps.runScheduledSync === undefined;
  let busyHolder: string | undefined;
  let failures = 0;
  let pruneDueAt = 0;
  while (!deps.signal.aborted) {
    // After a failed pass, new events do not start another at once: while another process holds the
    // file, each try would be a write that waits on it, on the event loop the receiver answers from.
    await waker.wait(failures === 0 ? IDLE_POLL_MS : busyHolder === undefined ? retryDelayMs(failures) : BUSY_POLL_MS, failures === 0);
    if (deps.signal.aborted) break;
    try {
      const outcome = await context.run(async () => {
        // A signal that came while a sync held the mutex: the events stay pending for the next start.
        if (deps.signal.aborted) return "idle";
        // POLLING on a file no sync reached Port from yet: events wait for the first sync.
        if (!isBound) isBound = (await readPortBinding(context.opened.db)) !== undefined;
        return isBound ? runPass(context, notBefore) : "idle";
      });
      failures = 0;
      if (busyHolder !== undefined) deps.log("serve: the staging file is free again; applying events");
      busyHolder = undefined;
      if (Date.now() >= pruneDueAt) {
        pruneDueAt = Date.now() + PRUNE_EVERY_MS;
        const pruned = await context.run(() => pruneAppliedEvents(context.opened.db, new Date(Date.now() - APPLIED_RETENTION_MS)));
        if (pruned > 0) deps.log(`serve: forgot ${pruned} events applied more than 3 days ago (Svix redelivers for 24 hours at most)`);
      }
      if (outcome === "more") waker.wake();
    } catch (error) {
      failures += 1;
      const holder = error instanceof LockedError ? error.holder : (error as { code?: unknown }).code === "SQLITE_BUSY" ? "a write transaction" : undefined;
      if (holder !== undefined) {
        if (busyHolder !== holder) deps.log(`serve: another process is working on the staging file (${holder}); events wait until it is done`);
        busyHolder = holder;
      } else {
        deps.log(`serve: a pass failed (its events stay pending and are tried again): ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
      }
    }
  }
}

/** One pass: take the due pending events, apply their records holding the staging file's lock, settle the inbox. */
async function runPass(context: DrainContext, notBefore: Map<string, number>): Promise<"idle" | "done" | "more"> {
  const { deps, opened, applier, totals } = context;
  const { db } = opened;
  const listed = await listPendingEvents(db, PASS_LIMIT);
  const due = selectDueEvents(listed, notBefore, Date.now());
  if (due.length === 0) return "idle";
  const lock = await lockStagingFile(opened);
  const unregister = deps.atForcedExit?.(() => lock.releaseNow());
  try {
    const pass = coalesceEvents(due);
    let outcomes: readonly AppliedRecord[];
    try {
      outcomes = await (await applier.get()).apply(pass.records, deps.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes = pass.records.map((record) => ({ record, outcome: { state: "retry", error: message } }));
    }
    const settled = settlePass(pass, outcomes);
    const appliedAt = new Date();
    await markEventsApplied(db, settled.done.map((event) => event.webhookId), appliedAt);
    for (const event of settled.done) notBefore.delete(recordKey(event));
    for (const { record, events, error } of settled.retry) {
      await recordApplyAttempt(db, events.map((event) => event.webhookId), redactSecrets(error).slice(0, 2000));
      notBefore.set(recordKey(record), Date.now() + retryDelayMs(Math.max(...events.map((event) => event.attempts)) + 1));
    }
    totals.passes += 1;
    totals.events += settled.done.length;
    totals.applied += settled.applied;
    totals.deleted += settled.deleted;
    totals.notMapped += settled.notMapped;
    totals.writes += settled.writes;
    totals.retries += settled.retry.length;
    const lag = measureLag(settled.done, appliedAt.getTime());
    const records = settled.applied + settled.deleted + settled.notMapped;
    const retrying = settled.retry[0] ? `; ${settled.retry.length} to retry (${redactSecrets(settled.retry[0].error).split("\n")[0]?.slice(0, 200)})` : "";
    deps.log(
      `serve: applied ${records} records from ${settled.done.length} events ` +
        `(${settled.deleted} deleted, ${settled.notMapped} not mapped), ${settled.writes} writes to Port` +
        `${lag ? `, lag ${seconds(lag.meanMs)} mean, ${seconds(lag.maxMs)} max` : ""}${retrying}`,
    );
    return listed.length === PASS_LIMIT && due.length === listed.length ? "more" : "done";
  } finally {
    unregister?.();
    await lock.release();
  }
}
