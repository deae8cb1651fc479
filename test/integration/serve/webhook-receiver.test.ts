import { request } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type OpenedDatabase } from "../../../db/database";
import { Secret } from "../../../src/model/secret";
import { MAX_BODY_BYTES, startWebhookReceiver, WEBHOOK_PATH, type WebhookReceiver } from "../../../src/serve/webhook-receiver";
import { signWebhook } from "../../helpers/signed-webhook";
import { makeTempDir } from "../../helpers/temp-dir";

// A recognisable signing secret: the leak check at the end looks for it, and for its key part, in every
// answer and log line of this file's requests.
const KEY_PART = Buffer.from("canary-signing-key-do-not-leak-0123456789").toString("base64");
const SECRET = `whsec_${KEY_PART}`;
const OTHER_SECRET = `whsec_${Buffer.from("another-endpoint-signing-key-987654321").toString("base64")}`;

const seen = { answers: [] as string[], logs: [] as string[], signatures: [] as string[], statuses: new Set<number>() };

interface World {
  readonly receiver: WebhookReceiver;
  readonly opened: OpenedDatabase;
  readonly path: string;
  readonly logs: string[];
  wakes: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWorld(busyWaitMs?: number): Promise<World> {
  const path = join(makeTempDir("webhook-receiver-"), "etl.sqlite");
  const opened = openDatabase(path);
  const logs: string[] = [];
  const world: { -readonly [K in keyof World]: World[K] } = { opened, path, logs, wakes: 0, receiver: undefined as unknown as WebhookReceiver };
  world.receiver = await startWebhookReceiver({
    host: "127.0.0.1",
    port: 0,
    secret: new Secret(SECRET),
    db: opened.db,
    onEvent: () => {
      world.wakes += 1;
    },
    log: (line) => {
      logs.push(line);
      seen.logs.push(line);
    },
    ...(busyWaitMs === undefined ? {} : { busyWaitMs }),
  });
  cleanups.push(async () => {
    await world.receiver.close();
    await opened.close();
  });
  return world;
}

interface Sent {
  readonly status: number;
  readonly text: string;
  readonly headers: Record<string, unknown>;
}

/** One request over a fresh connection; `chunks` are written one by one without a Content-Length. */
function send(world: World, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: readonly Buffer[] }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    // A GET's body is sent with its length: Node's client would send it unframed otherwise.
    const length = options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) };
    const headers = { ...options.headers, ...length };
    const req = request(`${world.receiver.url}${options.path ?? WEBHOOK_PATH}`, { method: options.method ?? "POST", headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        const sent = { status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8"), headers: res.headers };
        seen.answers.push(`${sent.status} ${JSON.stringify(sent.headers)} ${sent.text}`);
        seen.statuses.add(sent.status);
        resolve(sent);
      });
      res.on("error", reject);
    });
    // The server may answer (413) and close before the whole body is written; only a missing answer is a failure.
    req.on("error", reject);
    if (options.chunks) {
      const chunks = [...options.chunks];
      const next = () => {
        const chunk = chunks.shift();
        if (!chunk) return void req.end();
        if (req.destroyed) return undefined;
        req.write(chunk, next);
        return undefined;
      };
      next();
    } else {
      req.end(options.body);
    }
  });
}

let counter = 0;
const nextId = () => `msg_${process.pid}_${(counter += 1)}`;

function eventBody(eventType = "public_incident.incident_status_updated_v2", recordId = "01HINCIDENT0000000000000001"): string {
  const object = eventType === "public_incident.incident_status_updated_v2" ? { incident: { id: recordId, name: "Payments down" }, new_status: {}, previous_status: {} } : { id: recordId };
  return JSON.stringify({ event_type: eventType, [eventType]: object });
}

/** The three Standard Webhooks headers for `body`, signed with `secret` at `at`. */
function signed(body: string, options: { id?: string; at?: Date; secret?: string } = {}): Record<string, string> {
  const id = options.id ?? nextId();
  const at = options.at ?? new Date();
  const headers = signWebhook(options.secret ?? SECRET, id, body, at);
  const signature = headers["webhook-signature"] as string;
  seen.signatures.push(signature, signature.slice("v1,".length));
  return headers;
}

const inbox = (world: World) => world.opened.sqlite.prepare("SELECT webhook_id, event_type, resource, record_id, deleted, state FROM webhook_inbox ORDER BY received_at").all();
const ignored = (world: World) => world.opened.sqlite.prepare("SELECT event_type, count FROM webhook_ignored ORDER BY event_type").all();

describe("a valid event", () => {
  it("is committed once, then answered 200, and wakes the drain loop", async () => {
    const world = await startWorld();
    const body = eventBody();
    const headers = signed(body, { id: "msg_valid_1" });

    const first = await send(world, { headers, body });

    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ status: "stored" });
    expect(inbox(world)).toEqual([
      { webhook_id: "msg_valid_1", event_type: "public_incident.incident_status_updated_v2", resource: "incident", record_id: "01HINCIDENT0000000000000001", deleted: 0, state: "pending" },
    ]);
    expect(world.wakes).toBe(1);
  });

  it("redelivered with the same webhook-id is a duplicate, stored once and not woken for again", async () => {
    const world = await startWorld();
    const body = eventBody("schedule.deleted_v1", "01HSCHEDULE");
    const headers = signed(body, { id: "msg_redelivered" });

    const answers = [await send(world, { headers, body }), await send(world, { headers, body })];

    expect(answers.map((a) => [a.status, JSON.parse(a.text)])).toEqual([
      [200, { status: "stored" }],
      [200, { status: "duplicate" }],
    ]);
    expect(inbox(world)).toEqual([{ webhook_id: "msg_redelivered", event_type: "schedule.deleted_v1", resource: "schedule", record_id: "01HSCHEDULE", deleted: 1, state: "pending" }]);
    expect(world.wakes).toBe(1);
  });

  it("of exactly the bound's size is stored", async () => {
    const world = await startWorld();
    const base = eventBody("private_alert.alert_created_v1", "01HALERT");
    const padded = `${base.slice(0, -1)},"padding":"${"x".repeat(MAX_BODY_BYTES - base.length - 13)}"}`;
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES);

    const sent = await send(world, { headers: signed(padded), body: padded });

    expect([sent.status, JSON.parse(sent.text)]).toEqual([200, { status: "stored" }]);
    expect(inbox(world)).toHaveLength(1);
  });
});

describe("refused requests store nothing", () => {
  const body = eventBody();
  const now = Date.now();
  it.each([
    { name: "a forged signature", headers: () => ({ ...signed(body), "webhook-signature": `v1,${Buffer.alloc(32, 7).toString("base64")}` }), status: 401 },
    { name: "a signature of another version only", headers: () => ({ ...signed(body), "webhook-signature": "v2,abc" }), status: 401 },
    { name: "no webhook-signature", headers: () => without(signed(body), "webhook-signature"), status: 401 },
    { name: "no webhook-id", headers: () => without(signed(body), "webhook-id"), status: 401 },
    { name: "no webhook-timestamp", headers: () => without(signed(body), "webhook-timestamp"), status: 401 },
    { name: "no headers at all", headers: () => ({ "content-type": "application/json" }), status: 401 },
    { name: "another endpoint's secret", headers: () => signed(body, { secret: OTHER_SECRET }), status: 401 },
    { name: "a timestamp 6 minutes old", headers: () => signed(body, { at: new Date(now - 6 * 60_000) }), status: 401 },
    { name: "a timestamp 6 minutes ahead", headers: () => signed(body, { at: new Date(now + 6 * 60_000) }), status: 401 },
    { name: "a timestamp that is not a number", headers: () => ({ ...signed(body), "webhook-timestamp": "soon" }), status: 401 },
  ])("$name: $status", async ({ headers, status }) => {
    const world = await startWorld();
    const sent = await send(world, { headers: headers(), body });
    expect(sent.status).toBe(status);
    expect(JSON.parse(sent.text)).toMatchObject({ error: expect.stringMatching(/^webhook verification failed: /) });
    expect(world.logs).toEqual([expect.stringMatching(/^webhook refused \(401\): webhook verification failed: /)]);
    expect(inbox(world)).toEqual([]);
    expect(world.wakes).toBe(0);
  });

  it("accepts a timestamp 4 minutes old (within the tolerance), so the refusals above are the clock's", async () => {
    const world = await startWorld();
    const sent = await send(world, { headers: signed(body, { at: new Date(Date.now() - 4 * 60_000) }), body });
    expect(sent.status).toBe(200);
  });

  it("a captured valid request replayed with a changed body: 401, and only the original is stored", async () => {
    const world = await startWorld();
    const headers = signed(body, { id: "msg_captured" });
    expect((await send(world, { headers, body })).status).toBe(200);

    const changed = eventBody("public_incident.incident_status_updated_v2", "01HSOMEONE_ELSES_INCIDENT");
    const replay = await send(world, { headers, body: changed });

    expect(replay.status).toBe(401);
    expect(inbox(world)).toMatchObject([{ webhook_id: "msg_captured", record_id: "01HINCIDENT0000000000000001" }]);
  });

  it.each([
    { name: "declared in Content-Length", chunked: false },
    { name: "streamed in chunks without a length", chunked: true },
  ])("a body over the bound, $name: 413", async ({ chunked }) => {
    const world = await startWorld();
    const big = Buffer.alloc(2 * MAX_BODY_BYTES, "a");
    const headers = signed(big.toString("utf8"));
    const started = Date.now();
    const sent = chunked
      ? await send(world, { headers, chunks: Array.from({ length: 32 }, (_, i) => big.subarray(i * 65_536, (i + 1) * 65_536)) })
      : await send(world, { headers, body: big });
    expect(sent.status).toBe(413);
    expect(JSON.parse(sent.text)).toEqual({ error: `the body is over ${MAX_BODY_BYTES} bytes, more than any Incident.io event` });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(world.logs).toEqual([`webhook refused (413): the body is over ${MAX_BODY_BYTES} bytes`]);
    expect(inbox(world)).toEqual([]);
  });

  it.each([
    { name: "a signed body that is not JSON", body: "event_type=public_incident.incident_updated_v2", error: "the body is not JSON" },
    { name: "a signed event without the record id", body: JSON.stringify({ event_type: "private_alert.alert_created_v1", "private_alert.alert_created_v1": {} }), error: /needs the record's id at private_alert\.alert_created_v1\.id/ },
    { name: "a signed JSON body without event_type", body: JSON.stringify({ id: "x" }), error: /needs a string "event_type"/ },
  ])("$name: 400", async ({ body: text, error }) => {
    const world = await startWorld();
    const sent = await send(world, { headers: signed(text), body: text });
    expect(sent.status).toBe(400);
    expect((JSON.parse(sent.text) as { error: string }).error).toMatch(error);
    expect(inbox(world)).toEqual([]);
    expect(ignored(world)).toEqual([]);
  });
});

describe("an event of a type serve does not apply", () => {
  it("is answered 200, counted per type and not stored", async () => {
    const world = await startWorld();
    const body = JSON.stringify({ event_type: "public_incident.action_created_v1", "public_incident.action_created_v1": { id: "a1" } });
    const answers = [await send(world, { headers: signed(body), body }), await send(world, { headers: signed(body), body })];
    expect(answers.map((a) => [a.status, JSON.parse(a.text)])).toEqual([
      [200, { status: "ignored" }],
      [200, { status: "ignored" }],
    ]);
    expect(ignored(world)).toEqual([{ event_type: "public_incident.action_created_v1", count: 2 }]);
    expect(inbox(world)).toEqual([]);
    expect(world.wakes).toBe(0);
    expect(world.logs).toEqual([
      "webhook public_incident.action_created_v1 ignored: serve does not apply this event type",
      "webhook public_incident.action_created_v1 ignored: serve does not apply this event type",
    ]);
  });
});

describe("routes", () => {
  it("healthz and readyz answer 200; after stopAccepting readyz and new events answer 503 while healthz stays 200", async () => {
    const world = await startWorld();
    expect((await send(world, { method: "GET", path: "/healthz" })).status).toBe(200);
    expect((await send(world, { method: "GET", path: "/readyz" })).status).toBe(200);

    world.receiver.stopAccepting();

    const body = eventBody();
    expect((await send(world, { method: "GET", path: "/readyz" })).status).toBe(503);
    expect((await send(world, { method: "GET", path: "/healthz" })).status).toBe(200);
    const late = await send(world, { headers: signed(body), body });
    expect(late.status).toBe(503);
    expect(inbox(world)).toEqual([]);
  });

  it.each([
    { method: "POST", path: "/webhooks/incidentio/extra", status: 404 },
    { method: "POST", path: "/", status: 404 },
    { method: "GET", path: "/webhooks", status: 404 },
    { method: "GET", path: WEBHOOK_PATH, status: 405, allow: "POST" },
    { method: "PUT", path: WEBHOOK_PATH, status: 405, allow: "POST" },
    { method: "POST", path: "/healthz", status: 405, allow: "GET" },
    { method: "DELETE", path: "/readyz", status: 405, allow: "GET" },
  ])("$method $path: $status", async ({ method, path, status, allow }) => {
    const world = await startWorld();
    const body = eventBody();
    const sent = await send(world, { method, path, headers: signed(body), body });
    expect(sent.status).toBe(status);
    if (allow) expect(sent.headers.allow).toBe(allow);
    expect(inbox(world)).toEqual([]);
  });
});

describe("a staging file held by a long write on another connection", () => {
  /** Holds the write lock from another connection for `holdMs` while timers tick; returns the longest gap between ticks. */
  async function whileLocked<T>(world: World, holdMs: number, work: () => Promise<T>): Promise<{ result: T; longestTickGapMs: number; releasedAt: number }> {
    const writer = openDatabase(world.path);
    writer.sqlite.exec("BEGIN IMMEDIATE");
    writer.sqlite.prepare("INSERT INTO locks (name, owner, pid, acquired_at, heartbeat_at) VALUES ('pipeline', 'a scheduled run', 1, 'now', 'now')").run();
    let releasedAt = 0;
    const release = setTimeout(() => {
      writer.sqlite.exec("COMMIT");
      releasedAt = Date.now();
    }, holdMs);
    let last = Date.now();
    let longestTickGapMs = 0;
    const ticker = setInterval(() => {
      longestTickGapMs = Math.max(longestTickGapMs, Date.now() - last);
      last = Date.now();
    }, 10);
    try {
      const result = await work();
      return { result, longestTickGapMs, releasedAt };
    } finally {
      clearInterval(ticker);
      clearTimeout(release);
      if (writer.sqlite.inTransaction) writer.sqlite.exec("COMMIT");
      await writer.close();
    }
  }

  it("is waited out without blocking the event loop: answered 200 once the transaction ends", async () => {
    const world = await startWorld(10_000);
    const body = eventBody();
    const started = Date.now();

    const { result, longestTickGapMs, releasedAt } = await whileLocked(world, 800, () => send(world, { headers: signed(body), body }));

    expect([result.status, JSON.parse(result.text)]).toEqual([200, { status: "stored" }]);
    expect(releasedAt, "answered only after the other transaction committed").toBeGreaterThan(started);
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);
    // SQLite's own busy wait (5 s on a connection openDatabase made) would stall every timer until the commit.
    expect(longestTickGapMs).toBeLessThan(300);
    expect(inbox(world)).toHaveLength(1);
  });

  it("held longer than the receiver waits: answered 503 within the bound and nothing stored; the redelivery is stored", async () => {
    const world = await startWorld(300);
    const body = eventBody();
    const headers = signed(body, { id: "msg_busy" });
    const started = Date.now();

    const { result, longestTickGapMs } = await whileLocked(world, 3_000, async () => {
      const sent = await send(world, { headers, body });
      return { sent, elapsed: Date.now() - started };
    });

    expect(result.sent.status).toBe(503);
    expect(result.sent.headers["retry-after"]).toBe("5");
    expect(result.elapsed).toBeGreaterThanOrEqual(250);
    expect(result.elapsed).toBeLessThan(2_000);
    expect(longestTickGapMs).toBeLessThan(300);
    expect(world.logs).toEqual(["webhook not stored: the staging file stayed locked by another writer for 300 ms; answered 503, Svix delivers it again"]);
    expect(inbox(world)).toEqual([]);

    const redelivered = await send(world, { headers, body });
    expect([redelivered.status, JSON.parse(redelivered.text)]).toEqual([200, { status: "stored" }]);
  });

  it("close() lets an event waiting for the lock be committed and answered before it resolves", async () => {
    const world = await startWorld(10_000);
    const body = eventBody();

    const { result, releasedAt } = await whileLocked(world, 400, async () => {
      const sending = send(world, { headers: signed(body), body });
      await new Promise((resolve) => setTimeout(resolve, 100));
      let closedAt = 0;
      await world.receiver.close().then(() => {
        closedAt = Date.now();
      });
      return { sent: await sending, closedAt };
    });

    expect([result.sent.status, JSON.parse(result.sent.text)]).toEqual([200, { status: "stored" }]);
    expect(result.closedAt, "close() resolved only after the lock was released and the event committed").toBeGreaterThanOrEqual(releasedAt);
    expect(releasedAt).toBeGreaterThan(0);
    expect(inbox(world)).toHaveLength(1);
  });
});

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _dropped, ...rest } = headers;
  return rest;
}

// Last in the file: vitest runs a file's tests in order, so every request above has been answered and logged.
describe("the signing secret", () => {
  it("appears in no answer and no log line of any request above, nor does any signature", () => {
    expect([...seen.statuses].sort()).toEqual([200, 400, 401, 404, 405, 413, 503]);
    expect(seen.logs.length).toBeGreaterThan(0);
    const everything = [...seen.answers, ...seen.logs].join("\n");
    expect(everything).not.toContain(KEY_PART);
    expect(everything).not.toContain(Buffer.from(KEY_PART, "base64").toString("utf8"));
    for (const signature of seen.signatures) expect(everything).not.toContain(signature);
  });
});
