// `pnpm bench --webhooks` (issue 15): a cold run, then `etl serve` receiving 1,000 signed events at 50 a
// second from the Incident.io sandbox, measured from receipt to Port write; then serve stopped with
// SIGTERM and Port compared with a full read.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { SandboxHost } from "./host-client";
import { startSandboxHost } from "./host-client";
import { diffCounters } from "./measure";
import { countsFor, type BenchScale } from "./options";
import { runAgainstHost } from "./phases";
import { buildProductEnv, UNLIMITED_REQUESTS_PER_MINUTE } from "./product";
import type { WebhookPhaseResult } from "./result";
import { measureInbox, type InboxTimes } from "./webhooks-figures";
import { findFreePort, startServe } from "./webhooks-serve";

const EVENTS = 1_000;
const EVENTS_PER_SECOND = 50;
// The same dataset and stream on every machine and commit.
const SEED = 11;
const STREAM_SEED = 15;
const OPEN_ALERTS = "few";
// Svix's waits (5 s, 5 min, 30 min, ...) at a hundredth: an event serve refused goes again within a second, not minutes.
const REDELIVERY_SCALE = 0.01;
const RUN_TIMEOUT_MS = 30 * 60_000;
// Once the stream has ended: the time to deliver what is left, and for serve to apply what it committed.
const DELIVERY_TIMEOUT_MS = 120_000;
const APPLY_TIMEOUT_MS = 120_000;
const APPLY_POLL_MS = 200;
const STOP_TIMEOUT_MS = 60_000;

function readInbox(databasePath: string): InboxTimes[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT received_at, applied_at FROM webhook_inbox").all() as { received_at: string; applied_at: string | null }[];
    return rows.map((row) => ({ receivedAt: row.received_at, appliedAt: row.applied_at }));
  } finally {
    db.close();
  }
}

function countPending(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) FROM webhook_inbox WHERE state = 'pending'").pluck().get() as number) ?? 0;
  } finally {
    db.close();
  }
}

/** The passes serve's last run summary counted (0 when it recorded none). */
function readServePasses(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const summary = db.prepare("SELECT summary_json FROM runs WHERE command = 'serve' ORDER BY id DESC LIMIT 1").pluck().get() as string | null | undefined;
    const passes = summary ? (JSON.parse(summary) as { passes?: unknown }).passes : undefined;
    return typeof passes === "number" ? passes : 0;
  } finally {
    db.close();
  }
}

/** Waits until the inbox holds no pending event, for at most `timeoutMs`; returns how many are still pending. */
async function waitForApplied(databasePath: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = countPending(databasePath);
    if (pending === 0 || Date.now() > deadline) return pending;
    await new Promise((resolve) => setTimeout(resolve, APPLY_POLL_MS));
  }
}

async function measureServe(host: SandboxHost, env: Record<string, string>, databasePath: string, log: (line: string) => void) {
  const serve = await startServe(env);
  let stopped: string | undefined;
  try {
    log(`etl serve ready at ${serve.url}`);
    await host.configureWebhooks({ url: `${serve.url}/webhooks/incidentio`, secret: env["ETL_WEBHOOK_SECRET"] as string, redeliveryScale: REDELIVERY_SCALE });
    const before = await host.counters();
    const stream = await host.streamWebhooks(EVENTS, EVENTS_PER_SECOND, STREAM_SEED);
    const loadAverage = loadavg()[0] ?? 0;
    log(`streamed ${stream.events} events from ${stream.changes} changes in ${stream.seconds.toFixed(1)} s (load average ${loadAverage.toFixed(1)})`);
    const deliveries = await host.readWebhookDeliveries(DELIVERY_TIMEOUT_MS);
    const pending = await waitForApplied(databasePath, APPLY_TIMEOUT_MS);
    const delta = diffCounters(before, await host.counters());
    stopped = await serve.stop(STOP_TIMEOUT_MS);
    log(`etl serve stopped on SIGTERM: ${stopped}; ${pending} events pending`);
    return { stream, deliveries, delta, loadAverage, serveExit: stopped, serveTreeRssMb: serve.peakTreeRssMb() };
  } finally {
    if (stopped === undefined) await serve.stop(0);
  }
}

/**
 * The webhook phase at `scale` against a new sandbox host and staging file: a cold `etl run`, then
 * `etl serve` on a free loopback port while the sandbox streams 1,000 signed events at 50 a second,
 * then SIGTERM, then `etl run --full-refresh` and Port compared with what it staged.
 */
export async function runWebhookPhase(scale: BenchScale, log: (line: string) => void): Promise<WebhookPhaseResult> {
  const counts = countsFor(scale, 1);
  const say = (line: string) => log(`[webhooks] ${line}`);
  const host = await startSandboxHost({ seed: SEED, counts, openAlerts: OPEN_ALERTS });
  const dir = mkdtempSync(join(tmpdir(), "etl-bench-webhooks-"));
  try {
    const databasePath = join(dir, "bench.sqlite");
    const env = buildProductEnv({ endpoints: host.endpoints, databasePath, requestsPerMinute: UNLIMITED_REQUESTS_PER_MINUTE }, process.env);
    const cold = await runAgainstHost(host, ["run", "--json"], env, RUN_TIMEOUT_MS);
    say(`cold run: ${cold.seconds.toFixed(1)} s, ${cold.delta.entityWrites} entity writes`);

    const serveEnv = { ...env, ETL_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64")}`, ETL_SERVE_HOST: "127.0.0.1", ETL_SERVE_PORT: String(await findFreePort()) };
    const { stream, deliveries, delta, loadAverage, serveExit, serveTreeRssMb } = await measureServe(host, serveEnv, databasePath, say);
    const inbox = measureInbox(readInbox(databasePath));
    say(
      `receipt → Port write: p50 ${inbox.latency.p50Ms} ms, p95 ${inbox.latency.p95Ms} ms, p99 ${inbox.latency.p99Ms} ms over ${inbox.latency.count} events; ` +
        `${inbox.perSecond.toFixed(1)} applied a second; from outside p95 ${deliveries.portWriteLatency.p95Ms} ms`,
    );

    const refresh = await runAgainstHost(host, ["run", "--json", "--full-refresh"], env, RUN_TIMEOUT_MS);
    const portExact = await host.comparePort(databasePath);
    say(`full refresh: ${refresh.delta.entityWrites} writes; Port: ${portExact.missing} missing, ${portExact.differing} differing, ${portExact.extra} extra ${portExact.examples.join("; ")}`);
    return {
      counts,
      planned: EVENTS,
      perSecond: EVENTS_PER_SECOND,
      streamSeconds: stream.seconds,
      sender: { sent: deliveries.sent, delivered: deliveries.delivered, redelivered: deliveries.redelivered, gaveUp: deliveries.gaveUp },
      latency: inbox.latency,
      portWriteLatency: deliveries.portWriteLatency,
      unmatchedEvents: deliveries.unmatched,
      appliedPerSecond: inbox.perSecond,
      pending: inbox.pending,
      passes: readServePasses(databasePath),
      loadAverage,
      incidentIoRequests: delta.incidentIoRequests,
      incidentIoByRoute: delta.incidentIoByPath,
      portRequests: delta.portRequests,
      portRoutes: delta.portRoutes,
      entityWrites: delta.entityWrites,
      serveTreeRssMb,
      serveExit,
      fullRefreshWrites: refresh.delta.entityWrites,
      portExact,
    };
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
