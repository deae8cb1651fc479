// Drives one seed of the webhook crash test: both sandboxes live in this process (so they and their
// delivery logs survive serve), `etl serve` runs as a child process, SIGKILLed at the seed's moments and
// started again, while the Incident.io sandbox streams signed events and redelivers, as Svix does, every
// event not answered 2xx.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { findFreePort, startServe, type ServeProcess } from "../../bench/webhooks-serve";
import { createStreamChanger, planStream } from "../../bench/webhooks-stream";
import { toCanonicalJson } from "../../src/canonical-json";
import { main } from "../../src/cli/main";
import type { DatasetCounts } from "../../src/sandbox/incidentio/scale";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../src/sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../../src/sandbox/port/server";
import { buildSandboxEnv } from "../../src/sandbox/product-env";
import { BLUEPRINT_OF_KIND } from "../helpers/shipped-blueprints";
import { postWebhook } from "../helpers/signed-webhook";
import { diffCatalogs } from "./checks";
import { FAULT_DATASET, readCatalog, runReference } from "./harness";
import { classifyRepeatedWrites, findOutOfOrderRecords, planCrashes, type Delivery, type EntityWrite } from "./webhook-crash-checks";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The fault suite's few records, so that events about one record come close together and redeliveries overtake one another. */
const CRASH_DATASET: DatasetCounts = FAULT_DATASET;
const PORT_CLIENT = { clientId: "webhook-crash-client", clientSecret: "webhook-crash-secret" };
const SECRET = `whsec_${Buffer.from("webhook-crash-test-signing-key!").toString("base64")}`;
/** Events the stream posts at least, and at most while the kills are still to come. */
const MIN_EVENTS = 300;
const MAX_EVENTS = 1_500;
const EVENTS_PER_SECOND = 25;
/**
 * Svix's schedule, squeezed: an event serve did not answer goes again within a quarter second at
 * first, then every second, and is never given up within the test.
 */
const REDELIVERY = { delaysMs: [100, 250, 500, 1000], maxAttempts: 1_000, timeoutMs: 5_000 };
/** Share of events the sender holds back behind the next one: an older event about a record arrives after a newer one. */
const OUT_OF_ORDER = 0.05;
/** Share of delivered events the sender delivers once more with the same webhook-id, as Svix now and then does. */
const DUPLICATES = 0.05;
const DELIVERY_TIMEOUT_MS = 30_000;
const APPLY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;
const BULK_UPSERT = /^\/v1\/blueprints\/([^/]+)\/entities\/bulk$/;

export interface CrashOutcome {
  readonly seed: number;
  readonly kills: number;
  /** Events posted, and delivery attempts that followed a failed one. */
  readonly events: number;
  readonly redeliveries: number;
  /** Deliveries, with the same webhook-id, of events already answered 2xx (Svix's occasional duplicates): each must still be applied once. */
  readonly duplicateDeliveries: number;
  /** Writes that repeated the entity's last write across a SIGKILL: Port confirmed, the snapshot had not committed. */
  readonly crashWindowRepeats: number;
  /** Writes that repeated the entity's last write without a kill between: a change applied twice. */
  readonly appliedTwice: number;
  /** Records an older event about which was delivered after a newer one. */
  readonly outOfOrderRecords: number;
  /** Everything that went wrong, one line each; empty for a passing seed. */
  readonly problems: readonly string[];
  readonly history: readonly string[];
  readonly durationMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function buildEnv(incidentIo: IncidentIoSandbox, port: PortSandbox, databasePath: string, servePort: number): Record<string, string> {
  return {
    ...buildSandboxEnv({ incidentIo, port }, "webhook-crash"),
    ETL_DB: databasePath,
    CI: "true",
    ETL_WEBHOOK_SECRET: SECRET,
    ETL_SERVE_HOST: "127.0.0.1",
    ETL_SERVE_PORT: String(servePort),
    ...(process.env["PATH"] ? { PATH: process.env["PATH"] } : {}),
    ...(process.env["JQ_PATH"] ? { JQ_PATH: process.env["JQ_PATH"] } : {}),
  };
}

async function runInProcess(args: readonly string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  let output = "";
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
  const code = await main([...args], { env, cwd: ROOT, stdout: sink(), stderr: sink() }, new AbortController().signal);
  return { code, output };
}

function readInbox(databasePath: string): { webhookId: string; state: string }[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT webhook_id, state FROM webhook_inbox").all() as { webhook_id: string; state: string }[]).map((row) => ({ webhookId: row.webhook_id, state: row.state }));
  } finally {
    db.close();
  }
}

async function waitForApplied(databasePath: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = readInbox(databasePath).filter((row) => row.state === "pending").length;
    if (pending === 0 || Date.now() > deadline) return pending;
    await sleep(100);
  }
}

/** The entities Port wrote since request `from`, from the 2xx bulk upserts that carried them, in arrival order. */
function listEntityWrites(port: PortSandbox, from: number): EntityWrite[] {
  return port.requests.slice(from).flatMap((request) => {
    const match = request.method === "POST" ? BULK_UPSERT.exec(request.path) : null;
    if (!match || request.status < 200 || request.status >= 300) return [];
    const entities = ((request.body as { entities?: unknown[] } | undefined)?.entities ?? []) as { identifier: string }[];
    const blueprint = decodeURIComponent(match[1] as string);
    return entities.map((entity) => ({ key: `${blueprint}/${entity.identifier}`, content: toCanonicalJson(entity), at: request.at }));
  });
}

/**
 * Posts one event about `incidentId` signed now but carrying the incident as it was before its last
 * change, after its newer events were applied: serve must read the record and leave the newer state.
 */
function postStaleEvent(serveUrl: string, incident: Record<string, unknown>): Promise<number> {
  return postWebhook(serveUrl, SECRET, `msg_stale_${String(incident["id"])}`, "public_incident.incident_updated_v2", incident);
}

/**
 * Runs one seed: a cold run, then serve receiving the stream while it is SIGKILLed at the seed's
 * moments and restarted; once every event is delivered and applied, a stale event, SIGTERM, and the
 * checks: Port equals a from-scratch run over the final source, every event is in the inbox once and
 * applied, and no write repeats the entity's last write except across a kill.
 */
export async function runCrashSeed(seed: number): Promise<CrashOutcome> {
  const started = Date.now();
  const plan = planCrashes(seed);
  const dir = mkdtempSync(join(tmpdir(), `etl-webhook-crash-${seed}-`));
  const incidentIo = await startIncidentIoSandbox({ seed, scale: CRASH_DATASET, openAlerts: "few" });
  const port = await startPortSandbox(PORT_CLIENT);
  const problems: string[] = [];
  const history: string[] = [];
  let serve: ServeProcess | undefined;
  try {
    const databasePath = join(dir, "etl.sqlite");
    const env = buildEnv(incidentIo, port, databasePath, await findFreePort());
    const cold = await runInProcess(["run", "--json"], env);
    if (cold.code !== 0) throw new Error(`the cold run failed (exit ${cold.code}):\n${cold.output.slice(-1500)}`);
    const requestsBefore = port.requests.length;

    serve = await startServe(env);
    const url = serve.url;
    await incidentIo.webhooks.configure({ url: `${url}/webhooks/incidentio`, secret: SECRET, redelivery: REDELIVERY, knobs: { outOfOrder: OUT_OF_ORDER, duplicates: DUPLICATES }, seed });

    // The stream and the kills run side by side; the stream goes on until every kill has happened.
    const killsAt: number[] = [];
    let killing = true;
    const killer = (async () => {
      for (const afterMs of plan.killAfterReadyMs) {
        await sleep(afterMs);
        await serve?.kill();
        killsAt.push(Date.now());
        history.push(`SIGKILL ${killsAt.length} at ${afterMs} ms after ready`);
        serve = await startServe(env);
      }
      killing = false;
    })();
    const events = new Map<string, { record: string; madeAt: number }>();
    const change = createStreamChanger(incidentIo.dataset);
    incidentIo.webhooks.takeSentIds();
    const streamStart = Date.now();
    let serial = 0;
    for (const planned of planStream(MAX_EVENTS, seed)) {
      if (events.size >= MAX_EVENTS || (events.size >= MIN_EVENTS && !killing)) break;
      await sleep(streamStart + (events.size * 1000) / EVENTS_PER_SECOND - Date.now());
      serial += 1;
      const touched = change(planned, serial);
      if (!touched) continue;
      for (const webhookId of incidentIo.webhooks.takeSentIds()) events.set(webhookId, { record: `${touched.kind}/${touched.id}`, madeAt: Date.now() });
    }
    await killer;
    history.push(`streamed ${events.size} events in ${((Date.now() - streamStart) / 1000).toFixed(1)} s`);

    await incidentIo.webhooks.idle(DELIVERY_TIMEOUT_MS);
    const pending = await waitForApplied(databasePath, APPLY_TIMEOUT_MS);
    if (pending > 0) problems.push(`${pending} events still pending ${APPLY_TIMEOUT_MS} ms after the last delivery`);

    // The newest incident changed: an event carrying its state before that change, delivered now.
    const stale = [...events.values()].reverse().find((event) => event.record.startsWith("incidents/"));
    const staleId = stale?.record.split("/")[1];
    if (staleId) {
      const current = incidentIo.dataset.get("incidents", staleId);
      const status = await postStaleEvent(url, { ...current, name: "a stale name from before the last change" });
      if (status < 200 || status >= 300) problems.push(`the stale event was answered ${status}`);
      if ((await waitForApplied(databasePath, APPLY_TIMEOUT_MS)) > 0) problems.push("the stale event was not applied");
    }

    const stopped = await (serve as ServeProcess).stop(STOP_TIMEOUT_MS);
    serve = undefined;
    if (stopped !== "exit 0") problems.push(`serve ended ${stopped} on SIGTERM`);

    // Every event in the inbox exactly once (its primary key), and applied.
    const inbox = readInbox(databasePath);
    const inboxIds = new Set(inbox.map((row) => row.webhookId));
    const missing = [...events.keys()].filter((id) => !inboxIds.has(id));
    if (missing.length > 0) problems.push(`${missing.length} delivered events are not in the inbox: ${missing.slice(0, 5).join(", ")}`);
    const unapplied = inbox.filter((row) => row.state !== "applied");
    if (unapplied.length > 0) problems.push(`${unapplied.length} inbox events not applied: ${unapplied.slice(0, 5).map((row) => row.webhookId).join(", ")}`);

    const counters = incidentIo.webhooks.counters;
    if (counters.gaveUp > 0) problems.push(`the sender gave up on ${counters.gaveUp} events`);
    const delivered = incidentIo.webhooks.attempts.filter((attempt) => attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300 && !attempt.duplicate);
    const firstDelivery = new Map<string, number>();
    for (const attempt of delivered) if (!firstDelivery.has(attempt.webhookId)) firstDelivery.set(attempt.webhookId, attempt.at);
    const duplicateDeliveries = counters.duplicated;
    const deliveries: Delivery[] = [...events].flatMap(([webhookId, event]) => {
      const deliveredAt = firstDelivery.get(webhookId);
      return deliveredAt === undefined ? [] : [{ record: event.record, madeAt: event.madeAt, deliveredAt }];
    });
    const outOfOrder = findOutOfOrderRecords(deliveries);

    const writes = classifyRepeatedWrites(listEntityWrites(port, requestsBefore), killsAt);
    for (const repeat of writes.twice.slice(0, 10)) problems.push(`applied twice: ${repeat.key} written with the same content at ${repeat.firstAt} and again at ${repeat.againAt}, no kill between`);

    const reference = await runReference(incidentIo, dir);
    if (reference.code !== 0) problems.push(`reference run: exit code ${reference.code}: ${reference.output.slice(-1500)}`);
    const diff = diffCatalogs(readCatalog(port), reference.catalog);
    for (const key of diff.missing.slice(0, 10)) problems.push(`Port lacks ${key}`);
    for (const key of [...diff.extra, ...diff.duplicates].slice(0, 10)) problems.push(`Port holds ${key}, which a run from scratch does not`);
    for (const entry of diff.different.slice(0, 10)) problems.push(`Port holds ${entry.key} differently [${entry.fields.join(", ")}]`);
    // Out of order: each such record's entity holds the newest state, the one a run from scratch reads.
    const differing = new Set([...diff.missing, ...diff.extra, ...diff.different.map((entry) => entry.key)]);
    for (const record of [...outOfOrder, ...(staleId ? [`incidents/${staleId}`] : [])]) {
      const [kind, id] = record.split("/") as [keyof typeof BLUEPRINT_OF_KIND, string];
      if (differing.has(`${BLUEPRINT_OF_KIND[kind]}/${id}`)) problems.push(`${record}: an older event delivered after a newer one left another state than the newest`);
    }
    history.push(
      `${killsAt.length} kills, ${events.size} events, ${counters.redelivered} redeliveries, ${duplicateDeliveries} deliveries of events already answered 2xx, ${counters.heldBack} held back, ` +
        `${outOfOrder.length} records with out-of-order deliveries, ${writes.crashWindow.length} crash-window repeats, ${writes.twice.length} applied twice`,
    );
    return {
      seed,
      kills: killsAt.length,
      events: events.size,
      redeliveries: counters.redelivered,
      duplicateDeliveries,
      crashWindowRepeats: writes.crashWindow.length,
      appliedTwice: writes.twice.length,
      outOfOrderRecords: outOfOrder.length,
      problems,
      history,
      durationMs: Date.now() - started,
    };
  } finally {
    await serve?.kill();
    await incidentIo.close();
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
