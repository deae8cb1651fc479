// The benchmark's sandbox process: serves the Incident.io and Port sandboxes away from the measured
// product, so the product's peak RSS and CPU are its own. Started by bench/host-client.ts with
// `node --import tsx bench/sandbox-host.ts <HostOptions JSON>`; answers HostRequest messages over IPC
// and exits when the channel closes.
import Database from "better-sqlite3";
import type { JsonObject } from "../src/sandbox/incidentio/json";
import { isSameEntity } from "../src/load/reconcile";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../src/sandbox/incidentio/server";
import type { RecordedRequest } from "../src/sandbox/shared/request-log";
import { startPortSandbox } from "../src/sandbox/port/server";
import type { WriteLogEntry } from "../src/sandbox/port/types";
import {
  countInto,
  listOptionsFor,
  nameIncidentIoRequest,
  nameRoute,
  type HostCounters,
  type HostEndpoints,
  type HostMessage,
  type HostOptions,
  type HostRequest,
  type HostWebhookTarget,
  type MutationReport,
  type PortComparison,
  type SimulatedRateLimit,
  type StreamReport,
  type WebhookDeliveryReport,
} from "./host-protocol";
import { buildMutation, countMutations, pickPositions, splitAlertChanges, type MutableKind } from "./mutations";
import { matchPortWrites, type PortWrite, type SentEvent } from "./webhooks-figures";
import { createStreamChanger, planStream } from "./webhooks-stream";

const TOKEN = "inc_bench_token";
const CLIENT_ID = "bench-client-id";
const CLIENT_SECRET = "bench-client-secret";
// The request logs keep every body; draining them often keeps the host's memory flat on a large load.
const DRAIN_EVERY_MS = 250;
// Differences a Port comparison names; the counts say how many there are.
const COMPARISON_EXAMPLES = 5;

const options = JSON.parse(process.argv[2] ?? "{}") as HostOptions;

async function startIncidentIo(rateLimit: SimulatedRateLimit | undefined): Promise<IncidentIoSandbox> {
  return startIncidentIoSandbox({ seed: options.seed, scale: options.counts, openAlerts: options.openAlerts, token: TOKEN, ...(rateLimit ? { rateLimit } : {}) });
}

let incidentIo = await startIncidentIo(options.rateLimit);
incidentIo.latencyMs = options.incidentIoLatencyMs ?? 0;
const port = await startPortSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

const incidentIoTally = { requests: 0, byPath: {} as Record<string, number>, byStatus: {} as Record<string, number> };
// Entities Port made up as relation targets (create_missing_related_entities) and nobody has written since.
const placeholders = new Set<string>();
const portTally = { requests: 0, byRoute: {} as Record<string, number>, byStatus: {} as Record<string, number>, writes: { upsert: 0, delete: 0, placeholder: 0 } as Record<WriteLogEntry["op"], number> };
// Port's writes (upserts and deletes) since a webhook stream began, and the entity each streamed event is about.
let streamWrites: PortWrite[] | undefined;
const streamedEvents = new Map<string, string>();
// Requests still being answered when a drain ran: their status is tallied once it is known.
let unsettled: { entry: RecordedRequest; byStatus: Record<string, number> }[] = [];

function settle(final: boolean): void {
  const waiting: typeof unsettled = [];
  for (const item of unsettled) {
    if (item.entry.status !== 0 || final) countInto(item.byStatus, String(item.entry.status));
    else waiting.push(item);
  }
  unsettled = waiting;
}

function drain(final: boolean): void {
  for (const entry of incidentIo.requests.splice(0)) {
    incidentIoTally.requests += 1;
    countInto(incidentIoTally.byPath, nameIncidentIoRequest(entry.path, entry.query));
    unsettled.push({ entry, byStatus: incidentIoTally.byStatus });
  }
  for (const entry of port.requests.splice(0)) {
    portTally.requests += 1;
    countInto(portTally.byRoute, nameRoute(entry.method, entry.path));
    unsettled.push({ entry, byStatus: portTally.byStatus });
  }
  for (const write of port.writes.splice(0)) {
    portTally.writes[write.op] += 1;
    const key = `${write.blueprint}/${write.identifier}`;
    if (write.op === "placeholder") placeholders.add(key);
    else placeholders.delete(key);
    // A deleted schedule's write is its delete.
    if (write.op !== "placeholder") streamWrites?.push({ identifier: write.identifier, at: write.at });
  }
  settle(final);
}

function readCounters(): HostCounters {
  // Called between product runs, when nothing is in flight: every status is known.
  drain(true);
  const usage = process.resourceUsage();
  return {
    incidentIo: { requests: incidentIoTally.requests, byPath: { ...incidentIoTally.byPath }, byStatus: { ...incidentIoTally.byStatus } },
    port: { requests: portTally.requests, byRoute: { ...portTally.byRoute }, byStatus: { ...portTally.byStatus }, writes: { ...portTally.writes } },
    host: { maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
  };
}

let serial = 0;

/** Picks the records at `positions` (ascending) of a list, reading it once in its order. */
function pickRecords(records: Iterable<JsonObject>, positions: readonly number[]): JsonObject[] {
  const chosen: JsonObject[] = [];
  let position = 0;
  let next = 0;
  for (const record of records) {
    if (next >= positions.length) break;
    if (position === positions[next]) {
      chosen.push(record);
      next += 1;
    }
    position += 1;
  }
  return chosen;
}

/**
 * Changes `fraction` of the alerts as alerts change: some of the open ones resolve, and new ones
 * arrive (see splitAlertChanges). Returns how many changed.
 */
function changeAlerts(fraction: number): number {
  const dataset = incidentIo.dataset;
  const open = { statusNotIn: ["resolved"] };
  const openCount = dataset.count("alerts", open);
  const { resolve, arrive } = splitAlertChanges(dataset.count("alerts"), openCount, fraction);
  for (const record of pickRecords(dataset.records("alerts", open), pickPositions(openCount, resolve))) {
    serial += 1;
    dataset.update("alerts", String(record["id"]), buildMutation("alerts", record, serial, {}, new Date().toISOString()));
  }
  for (let added = 0; added < arrive; added += 1) dataset.add("alerts");
  return resolve + arrive;
}

/** Changes `fraction` of the listed records of each kind, spread evenly over each list. */
function mutate(fraction: number, kinds: readonly MutableKind[]): MutationReport {
  const dataset = incidentIo.dataset;
  const spareMember = (dataset.records("users", listOptionsFor("users")).next().value ?? {}) as JsonObject;
  const member: JsonObject = { id: spareMember["id"] ?? null, name: spareMember["name"] ?? null };
  const byKind: Partial<Record<MutableKind, number>> = {};
  let total = 0;
  for (const kind of kinds) {
    if (kind === "alerts") {
      byKind.alerts = changeAlerts(fraction);
      total += byKind.alerts;
      continue;
    }
    const listed = dataset.count(kind, listOptionsFor(kind));
    // Picked from the list as served, so a record the list hides (a test incident) is never chosen.
    const chosen = pickRecords(dataset.records(kind, listOptionsFor(kind)), pickPositions(listed, countMutations(listed, fraction)));
    for (const record of chosen) {
      serial += 1;
      dataset.update(kind, String(record["id"]), buildMutation(kind, record, serial, member, new Date().toISOString()));
    }
    byKind[kind] = chosen.length;
    total += chosen.length;
  }
  return { total, byKind };
}

/** Compares the Port sandbox's entities with the pushable staged entities of a staging file, read-only. */
function comparePort(databasePath: string): PortComparison {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const examples: string[] = [];
    const note = (what: string, blueprint: string, identifier: string) => {
      if (examples.length < COMPARISON_EXAMPLES) examples.push(`${what} ${blueprint}/${identifier}`);
    };
    const blueprints = new Set<string>();
    let staged = 0;
    let missing = 0;
    let differing = 0;
    const rows = db.prepare("SELECT blueprint, identifier, entity_json FROM staged_entities WHERE held_back_reason IS NULL").iterate() as IterableIterator<{ blueprint: string; identifier: string; entity_json: string }>;
    for (const row of rows) {
      staged += 1;
      blueprints.add(row.blueprint);
      const held = port.entity(row.blueprint, row.identifier);
      if (!held) {
        missing += 1;
        note("missing", row.blueprint, row.identifier);
      } else if (!isSameEntity(JSON.parse(row.entity_json) as Record<string, unknown>, held as unknown as Record<string, unknown>)) {
        differing += 1;
        note("differing", row.blueprint, row.identifier);
      }
    }
    // Held-back entities are staged too: Port keeps them as last pushed, which is not extra.
    const isStaged = db.prepare("SELECT 1 FROM staged_entities WHERE blueprint = ? AND identifier = ?").pluck();
    let extra = 0;
    for (const blueprint of blueprints) {
      for (const entity of port.entities(blueprint)) {
        if (placeholders.has(`${blueprint}/${entity.identifier}`) || isStaged.get(blueprint, entity.identifier) !== undefined) continue;
        extra += 1;
        note("extra", blueprint, entity.identifier);
      }
    }
    return { staged, missing, differing, extra, examples };
  } finally {
    db.close();
  }
}

async function configureWebhooks(target: HostWebhookTarget): Promise<void> {
  await incidentIo.webhooks.configure({ url: target.url, secret: target.secret, redelivery: { scale: target.redeliveryScale } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Makes the changes `seed` plans (the sandbox posts each one's events as it is made), paced so that
 * the n-th event goes out n ÷ `perSecond` seconds after the first, until `events` events were posted
 * or the plan ran out (a status change posts two events, so it plans one change per event).
 */
async function streamWebhooks(events: number, perSecond: number, seed: number): Promise<StreamReport> {
  const change = createStreamChanger(incidentIo.dataset);
  streamWrites = [];
  streamedEvents.clear();
  incidentIo.webhooks.takeSentIds();
  const started = Date.now();
  let changes = 0;
  for (const planned of planStream(events, seed)) {
    if (streamedEvents.size >= events) break;
    await sleep(started + (streamedEvents.size * 1000) / perSecond - Date.now());
    serial += 1;
    const touched = change(planned, serial);
    if (!touched) continue;
    changes += 1;
    for (const webhookId of incidentIo.webhooks.takeSentIds()) streamedEvents.set(webhookId, touched.id);
  }
  return { changes, events: streamedEvents.size, seconds: (Date.now() - started) / 1000 };
}

/** The sender's totals once it is idle, and each streamed event's first post matched with Port's next write of its entity. */
async function readWebhookDeliveries(timeoutMs: number): Promise<WebhookDeliveryReport> {
  await incidentIo.webhooks.idle(timeoutMs);
  drain(true);
  const firstPost = new Map<string, number>();
  for (const attempt of incidentIo.webhooks.attempts) if (!firstPost.has(attempt.webhookId)) firstPost.set(attempt.webhookId, attempt.at);
  const sent: SentEvent[] = [];
  for (const [webhookId, identifier] of streamedEvents) {
    const at = firstPost.get(webhookId);
    if (at !== undefined) sent.push({ identifier, sentAt: at });
  }
  const { latency, unmatched } = matchPortWrites(sent, streamWrites ?? []);
  const { sent: posted, delivered, redelivered, gaveUp } = incidentIo.webhooks.counters;
  return { sent: posted, delivered, redelivered, gaveUp, portWriteLatency: latency, unmatched };
}

function endpoints(): HostEndpoints {
  return {
    incidentIo: { baseUrl: incidentIo.baseUrl, token: TOKEN },
    port: { baseUrl: port.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  };
}

async function answer(request: HostRequest): Promise<unknown> {
  switch (request.type) {
    case "counters":
      return readCounters();
    case "mutate":
      return mutate(request.fraction, request.kinds);
    case "set-latency":
      incidentIo.latencyMs = request.incidentIoMs;
      return endpoints();
    case "compare-port":
      drain(true);
      return comparePort(request.databasePath);
    case "configure-webhooks":
      await configureWebhooks(request.target);
      return null;
    case "stream-webhooks":
      return streamWebhooks(request.events, request.perSecond, request.seed);
    case "webhook-deliveries":
      return readWebhookDeliveries(request.timeoutMs);
    case "set-rate-limit": {
      drain(true);
      const latency = incidentIo.latencyMs;
      await incidentIo.close();
      incidentIo = await startIncidentIo(request.rateLimit);
      incidentIo.latencyMs = latency;
      return endpoints();
    }
  }
}

const send = (message: HostMessage): void => {
  process.send?.(message);
};

const drainer = setInterval(() => drain(false), DRAIN_EVERY_MS);
process.on("message", (raw) => {
  const { id, request } = raw as { id: number; request: HostRequest };
  answer(request).then(
    (result) => send({ id, ok: true, result }),
    (error: unknown) => send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => {
  clearInterval(drainer);
  void Promise.all([incidentIo.close(), port.close()]).finally(() => process.exit(0));
});
send({ type: "ready", endpoints: endpoints() });
