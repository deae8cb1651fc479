import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { resolveAlert } from "../../../src/sandbox/incidentio/alert-lifecycle";
import { QUIRKS } from "../../../src/sandbox/incidentio/generate/quirks";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import type { IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";
import { makeLiveChange } from "../../../src/sandbox/incidentio/live-changes";
import { startIncidentIoSandbox, type IncidentIoSandbox, type IncidentIoSandboxOptions } from "../../../src/sandbox/incidentio/server";
import { createWebhookCounters, createWebhookSender } from "../../../src/sandbox/incidentio/webhook-sender";
import { startLoopbackServer, type LoopbackServer } from "../../../src/sandbox/shared/loopback-server";
import { INCIDENTIO_SPEC, loadOpenApiValidator } from "../../helpers/openapi-validator";

const SECRET = `whsec_${Buffer.from("the sandbox's webhook signing key!").toString("base64")}`;
const spec = loadOpenApiValidator(INCIDENTIO_SPEC);
const xWebhooks = (JSON.parse(readFileSync(INCIDENTIO_SPEC, "utf8")) as { "x-webhooks": Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }> })["x-webhooks"];

interface Received {
  readonly webhookId: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly at: number;
}

interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An endpoint over a real socket that records every delivery and answers `answer(n)` to the n-th (0-based). */
async function startReceiver(answer: (n: number) => number = () => 204, port?: number): Promise<Receiver> {
  const received: Received[] = [];
  const server: LoopbackServer = await startLoopbackServer(
    async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ webhookId: String(req.headers["webhook-id"]), headers: req.headers, text: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(answer(received.length - 1)).end();
    },
    port === undefined ? {} : { port },
  );
  const receiver = { url: `${server.baseUrl}/webhooks/incidentio`, port: server.port, received, close: () => server.close() };
  cleanups.push(() => receiver.close());
  return receiver;
}

async function startSandbox(options: IncidentIoSandboxOptions = {}): Promise<IncidentIoSandbox> {
  const sandbox = await startIncidentIoSandbox({ seed: 3, scale: "tiny", ...options });
  cleanups.push(() => sandbox.close());
  return sandbox;
}

const KIND_OF_SCOPE: Readonly<Record<string, IncidentIoKind>> = { incident: "incidents", follow_up: "follow_ups", alert: "alerts", schedule: "schedules" };

/** The schema errors of a delivered body against its event's `x-webhooks` schema, but for the deliberate quirks of quirky records. */
function schemaErrors(body: JsonObject): string[] {
  const eventType = String(body["event_type"]);
  const entry = xWebhooks[`/x-webhooks/${eventType}`];
  if (!entry) return [`the spec has no x-webhooks entry for ${eventType}`];
  const name = entry.get.responses["200"]?.content["application/json"]?.schema.$ref.split("/").pop() ?? "";
  const errors = spec.schema(name, body);
  const payload = body[eventType] as JsonObject;
  const record = (eventType.endsWith("incident_status_updated_v2") ? payload["incident"] : payload) as JsonObject;
  const scope = /(incident|follow_up|alert|schedule)[._]/.exec(eventType.replace(/^(public|private)_/, ""))?.[1] ?? "";
  const kind = eventType.includes("follow_up") ? "follow_ups" : KIND_OF_SCOPE[scope];
  const quirk = kind ? QUIRKS[kind] : undefined;
  if (!quirk?.unknownEnumAt || !(quirk.extraField in record)) return errors;
  const prefix = `/${eventType}${eventType.endsWith("incident_status_updated_v2") ? "/incident" : ""}`;
  const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}${quirk.unknownEnumAt.replace(/\*/g, "\\d+")} must be equal to one of the allowed values`);
  return errors.filter((error) => !pattern.test(error));
}

/** Verifies a delivery's signature and timestamp as serve does, with standardwebhooks; returns its body. */
function verified(delivery: Received): JsonObject {
  const headers = { "webhook-id": String(delivery.headers["webhook-id"]), "webhook-timestamp": String(delivery.headers["webhook-timestamp"]), "webhook-signature": String(delivery.headers["webhook-signature"]) };
  return new Webhook(SECRET).verify(delivery.text, headers) as JsonObject;
}

function listed(sandbox: IncidentIoSandbox, kind: IncidentIoKind, test: (record: JsonObject) => boolean): JsonObject {
  const record = [...sandbox.dataset.records(kind)].find(test);
  if (!record) throw new Error(`the tiny dataset lists no such ${kind}`);
  return record;
}

describe("the Incident.io sandbox's webhooks", () => {
  it("posts a signed event shaped by the spec's x-webhooks schema for every change serve applies, public and private", async () => {
    const receiver = await startReceiver();
    const sandbox = await startSandbox({ webhooks: { url: receiver.url, secret: SECRET } });
    const data = sandbox.dataset;
    const publicIncident = String(listed(sandbox, "incidents", (incident) => incident["visibility"] === "public")["id"]);
    const privateIncident = String(listed(sandbox, "incidents", (incident) => incident["visibility"] === "private")["id"]);
    const publicFollowUp = String(listed(sandbox, "follow_ups", (followUp) => followUp["incident_id"] === publicIncident || data.get("incidents", String(followUp["incident_id"]))?.["visibility"] === "public")["id"]);
    let serial = 0;
    const change = (live: Parameters<typeof makeLiveChange>[1]) => makeLiveChange(data, live, (serial += 1));

    expect(change({ type: "incident-status", id: publicIncident, status: "Fixing" }).summary).toMatch(/^status \w+ → Fixing$/);
    change({ type: "incident-status", id: privateIncident });
    change({ type: "incident-create" });
    data.add("incidents", { mode: "standard", visibility: "private" });
    change({ type: "follow-up-create", incidentId: publicIncident });
    change({ type: "follow-up-update", id: publicFollowUp });
    const privateFollowUp = change({ type: "follow-up-create", incidentId: privateIncident });
    change({ type: "follow-up-update", id: privateFollowUp.id });
    const fired = change({ type: "alert-fire" });
    change({ type: "alert-resolve", id: fired.id });
    const schedule = change({ type: "schedule-create" });
    change({ type: "schedule-update", id: schedule.id });
    change({ type: "schedule-delete", id: schedule.id });
    await sandbox.webhooks.idle(10_000);
    await sandbox.webhooks.configure({ url: receiver.url, secret: SECRET, privateAlerts: true });
    const privateAlert = change({ type: "alert-fire" });
    change({ type: "alert-resolve", id: privateAlert.id });
    await sandbox.webhooks.idle(10_000);

    const bodies = receiver.received.map(verified);
    expect(bodies.map((body) => body["event_type"]).sort()).toEqual(
      [
        "public_incident.incident_updated_v2",
        "public_incident.incident_status_updated_v2",
        "private_incident.incident_updated_v2",
        "public_incident.incident_created_v2",
        "private_incident.incident_created_v2",
        "public_incident.follow_up_created_v2",
        "public_incident.follow_up_updated_v2",
        "private_incident.follow_up_created_v2",
        "private_incident.follow_up_updated_v2",
        "public_alert.alert_created_v1",
        "public_alert.alert_resolved_v1",
        "schedule.created_v1",
        "schedule.updated_v1",
        "schedule.deleted_v1",
        "private_alert.alert_created_v1",
        "private_alert.alert_resolved_v1",
      ].sort(),
    );
    for (const body of bodies) expect(schemaErrors(body), JSON.stringify(body).slice(0, 400)).toEqual([]);
    for (const delivery of receiver.received) {
      expect(Math.abs(Number(delivery.headers["webhook-timestamp"]) * 1000 - delivery.at)).toBeLessThan(5_000);
      expect(delivery.headers["content-type"]).toBe("application/json");
      expect(delivery.webhookId).toMatch(/^msg_\w+$/);
    }
    expect(new Set(receiver.received.map((delivery) => delivery.webhookId)).size).toBe(receiver.received.length);

    const status = bodies.find((body) => body["event_type"] === "public_incident.incident_status_updated_v2")?.["public_incident.incident_status_updated_v2"] as JsonObject;
    expect((status["new_status"] as JsonObject)["name"]).toBe("Fixing");
    expect((status["incident"] as JsonObject)["id"]).toBe(publicIncident);
    expect(bodies.find((body) => body["event_type"] === "private_incident.incident_updated_v2")?.["private_incident.incident_updated_v2"]).toEqual({ id: privateIncident });
    expect(sandbox.webhooks.counters).toMatchObject({ sent: 16, attempts: 16, delivered: 16, redelivered: 0, gaveUp: 0, pending: 0 });
  });

  it("sends one event for an alert resolving, carrying its resolved_at, and none for a user's change", async () => {
    const receiver = await startReceiver();
    const sandbox = await startSandbox({ webhooks: { url: receiver.url, secret: SECRET } });
    const firing = String(sandbox.dataset.records("alerts", { statusNotIn: ["resolved"] }).next().value?.["id"]);
    resolveAlert(sandbox.dataset, firing);
    sandbox.dataset.update("users", sandbox.dataset.idAt("users", 0), { name: "Renamed" });
    await sandbox.webhooks.idle(10_000);
    expect(receiver.received).toHaveLength(1);
    const alert = verified(receiver.received[0] as Received)["public_alert.alert_resolved_v1"] as JsonObject;
    expect(alert).toMatchObject({ id: firing, status: "resolved" });
    expect(alert["resolved_at"]).toBe(alert["updated_at"]);
  });

  it("sends nothing until a target is set, and nothing after it is unset", async () => {
    const receiver = await startReceiver();
    const sandbox = await startSandbox();
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 1);
    await sandbox.webhooks.idle(1_000);
    await sandbox.webhooks.configure({ url: receiver.url, secret: SECRET });
    const ids = (() => {
      makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 2);
      return sandbox.webhooks.takeSentIds();
    })();
    expect(ids).toHaveLength(1);
    await sandbox.webhooks.idle(10_000);
    await sandbox.webhooks.configure(undefined);
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 3);
    await sandbox.webhooks.idle(1_000);
    expect(receiver.received.map((delivery) => delivery.webhookId)).toEqual(ids);
    expect(sandbox.webhooks.counters.sent).toBe(1);
  });

  it("redelivers an event answered 500, on the schedule, with the same webhook-id, each attempt signed and verifying", async () => {
    const receiver = await startReceiver((n) => (n < 2 ? 500 : 204));
    const sandbox = await startSandbox({ webhooks: { url: receiver.url, secret: SECRET, redelivery: { delaysMs: [60, 120] } } });
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 1);
    await sandbox.webhooks.idle(10_000);
    const [a, b, c] = receiver.received as [Received, Received, Received];
    expect(receiver.received.map((delivery) => delivery.webhookId)).toEqual([a.webhookId, a.webhookId, a.webhookId]);
    for (const delivery of receiver.received) expect(() => verified(delivery)).not.toThrow();
    expect(b.at - a.at).toBeGreaterThanOrEqual(55);
    expect(c.at - b.at).toBeGreaterThanOrEqual(110);
    expect(sandbox.webhooks.attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    expect(sandbox.webhooks.counters).toMatchObject({ sent: 1, delivered: 1, redelivered: 2, attempts: 3, gaveUp: 0, pending: 0 });
  });

  it("redelivers an event whose connection was refused, once the endpoint is back", async () => {
    const gone = await startReceiver();
    const port = gone.port;
    await gone.close();
    const sandbox = await startSandbox({ webhooks: { url: `http://127.0.0.1:${port}/webhooks/incidentio`, secret: SECRET, redelivery: { delaysMs: [300] } } });
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 1);
    for (let waited = 0; sandbox.webhooks.attempts.length === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sandbox.webhooks.attempts[0]).toMatchObject({ attempt: 1, error: "ECONNREFUSED" });
    const back = await startReceiver(() => 200, port);
    await sandbox.webhooks.idle(10_000);
    expect(back.received).toHaveLength(1);
    expect(verified(back.received[0] as Received)["event_type"]).toBe("schedule.updated_v1");
    expect(sandbox.webhooks.counters).toMatchObject({ sent: 1, delivered: 1, redelivered: 1, gaveUp: 0, pending: 0 });
  });

  it("gives up after the cap on attempts, counts it, and goes idle", async () => {
    const receiver = await startReceiver(() => 503);
    const sandbox = await startSandbox({ webhooks: { url: receiver.url, secret: SECRET, redelivery: { delaysMs: [10, 10, 10, 10], maxAttempts: 3 } } });
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 1);
    await sandbox.webhooks.idle(10_000);
    expect(receiver.received).toHaveLength(3);
    expect(sandbox.webhooks.counters).toMatchObject({ sent: 1, attempts: 3, delivered: 0, redelivered: 2, gaveUp: 1, pending: 0 });
  });

  it("counts an endpoint that does not answer in time as a failed attempt", async () => {
    const stalled = await startLoopbackServer(() => new Promise<void>(() => undefined));
    cleanups.push(() => stalled.close());
    const sandbox = await startSandbox({ webhooks: { url: `${stalled.baseUrl}/`, secret: SECRET, redelivery: { delaysMs: [], timeoutMs: 200 } } });
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 1);
    await sandbox.webhooks.idle(5_000);
    expect(sandbox.webhooks.attempts[0]?.error).toBe("TimeoutError");
    expect(sandbox.webhooks.counters).toMatchObject({ gaveUp: 1, pending: 0 });
  });

  it("schedules no redelivery once closed, even for an attempt that fails while closing", async () => {
    const stalled = await startLoopbackServer(() => new Promise<void>(() => undefined));
    cleanups.push(() => stalled.close());
    const counters = createWebhookCounters();
    const sender = createWebhookSender({ url: `${stalled.baseUrl}/`, secret: SECRET, redelivery: { timeoutMs: 100 } }, counters, []);
    sender.send({ eventType: "schedule.updated_v1", body: { event_type: "schedule.updated_v1" } });
    await sender.close();
    // Svix's first wait is 5 s: a timer for it would keep the sender busy.
    await expect(sender.idle(50)).resolves.toBeUndefined();
    expect(counters).toMatchObject({ attempts: 1, redelivered: 0, pending: 1 });
  });

  it("with outOfOrder at 1, delivers every older event after the newer one that follows it", async () => {
    const receiver = await startReceiver();
    const sandbox = await startSandbox({ webhooks: { url: receiver.url, secret: SECRET, concurrency: 1, knobs: { outOfOrder: 1 } } });
    const sent: string[] = [];
    for (let serial = 1; serial <= 4; serial += 1) {
      makeLiveChange(sandbox.dataset, { type: "schedule-update", id: sandbox.dataset.idAt("schedules", 0) }, serial);
      sent.push(...sandbox.webhooks.takeSentIds());
    }
    await sandbox.webhooks.idle(10_000);
    expect(receiver.received.map((delivery) => sent.indexOf(delivery.webhookId))).toEqual([1, 0, 3, 2]);
    const names = receiver.received.map((delivery) => (verified(delivery)["schedule.updated_v1"] as JsonObject)["name"]);
    expect(names.map((name) => /\(live (\d)\)$/.exec(String(name))?.[1])).toEqual(["2", "1", "4", "3"]);
    expect(sandbox.webhooks.counters).toMatchObject({ sent: 4, delivered: 4, heldBack: 2 });
  });

  it("with duplicates at 1, delivers each event twice under one webhook-id, both verifying", async () => {
    const receiver = await startReceiver();
    const sandbox = await startSandbox({ webhooks: { url: receiver.url, secret: SECRET, knobs: { duplicates: 1 } } });
    makeLiveChange(sandbox.dataset, { type: "schedule-update" }, 1);
    const [id] = sandbox.webhooks.takeSentIds();
    await sandbox.webhooks.idle(10_000);
    expect(receiver.received.map((delivery) => delivery.webhookId)).toEqual([id, id]);
    expect(verified(receiver.received[1] as Received)).toEqual(verified(receiver.received[0] as Received));
    expect(sandbox.webhooks.counters).toMatchObject({ sent: 1, delivered: 1, duplicated: 1, attempts: 2, pending: 0 });
  });

  describe("control routes, for another process", () => {
    async function control(sandbox: IncidentIoSandbox, method: string, path: string, body?: unknown, token: string | null = sandbox.token): Promise<{ status: number; body: JsonObject }> {
      const response = await fetch(`${sandbox.baseUrl}${path}`, {
        method,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), "content-type": "application/json" },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as JsonObject };
    }

    it("sets the target, makes a change that posts its events, waits until they are delivered and reads the counters, all over HTTP", async () => {
      const receiver = await startReceiver();
      const sandbox = await startSandbox();
      expect((await control(sandbox, "POST", "/_sandbox/webhooks", { url: receiver.url, secret: SECRET, redelivery: { scale: 0.001 } })).status).toBe(200);
      const incident = String(listed(sandbox, "incidents", (record) => record["visibility"] === "public")["id"]);

      const changed = await control(sandbox, "POST", "/_sandbox/changes", { type: "incident-status", id: incident, status: "Monitoring" });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ kind: "incidents", id: incident, summary: expect.stringMatching(/→ Monitoring$/) as unknown });
      const idle = await control(sandbox, "POST", "/_sandbox/webhooks/idle?timeout_ms=10000");
      expect(idle.status).toBe(200);
      expect(idle.body["counters"]).toMatchObject({ sent: 2, delivered: 2, pending: 0 });
      expect(receiver.received.map((delivery) => delivery.webhookId)).toEqual(changed.body["webhookIds"]);
      expect(receiver.received.map((delivery) => verified(delivery)["event_type"])).toEqual(["public_incident.incident_updated_v2", "public_incident.incident_status_updated_v2"]);
      expect((await control(sandbox, "GET", "/_sandbox/webhooks")).body["counters"]).toMatchObject({ sent: 2, delivered: 2 });
      // Control requests are not API traffic: the request log has none.
      expect(sandbox.requests).toEqual([]);

      expect((await control(sandbox, "DELETE", "/_sandbox/webhooks")).status).toBe(200);
      const unsent = await control(sandbox, "POST", "/_sandbox/changes", { type: "schedule-create" });
      expect(unsent.body["webhookIds"]).toEqual([]);
    });

    it("answers 401 without the API key, 400 for a bad body, 422 for an unknown record, 404 for an unknown route, 504 when not idle in time", async () => {
      const sandbox = await startSandbox();
      expect((await control(sandbox, "GET", "/_sandbox/webhooks", undefined, null)).status).toBe(401);
      expect((await control(sandbox, "GET", "/_sandbox/webhooks", undefined, "inc_wrong")).status).toBe(401);
      expect(await control(sandbox, "POST", "/_sandbox/changes", "{not json")).toEqual({ status: 400, body: { error: "the body is not JSON" } });
      expect((await control(sandbox, "POST", "/_sandbox/webhooks", { url: "x", secret: SECRET })).status).toBe(400);
      const unknown = await control(sandbox, "POST", "/_sandbox/changes", { type: "schedule-update", id: "01NOTASCHEDULE" });
      expect(unknown).toEqual({ status: 422, body: { error: "no schedules record has ID 01NOTASCHEDULE" } });
      expect((await control(sandbox, "POST", "/_sandbox/reset")).status).toBe(404);

      const stalled = await startLoopbackServer(() => new Promise<void>(() => undefined));
      cleanups.push(() => stalled.close());
      await control(sandbox, "POST", "/_sandbox/webhooks", { url: `${stalled.baseUrl}/`, secret: SECRET, redelivery: { delaysMs: [], timeoutMs: 500 } });
      await control(sandbox, "POST", "/_sandbox/changes", { type: "schedule-update" });
      const busy = await control(sandbox, "POST", "/_sandbox/webhooks/idle?timeout_ms=50");
      expect(busy.status).toBe(504);
      expect(busy.body["counters"]).toMatchObject({ sent: 1, pending: 1 });
      expect((await control(sandbox, "POST", "/_sandbox/webhooks/idle?timeout_ms=-1")).status).toBe(400);
    });
  });
});
