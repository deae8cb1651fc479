import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/database";
import { insertWebhookEvent } from "../../db/queries/webhook-inbox";
import { startDemoSandboxes, type DemoSandboxes } from "../../src/pipeline/demo";
import { runCli, startCli, type CliProcess } from "../helpers/cli-process";
import { postWebhook } from "../helpers/signed-webhook";
import { queryStagingFile } from "../helpers/sync-world";
import { makeTempDir } from "../helpers/temp-dir";

// `etl serve` as a process, against both sandboxes over real sockets: events signed here as Svix signs
// them (standardwebhooks), the record read back from the Incident.io sandbox, the entity checked in
// the Port sandbox.

const SECRET = `whsec_${Buffer.from("serve end-to-end test signing key").toString("base64")}`;
const INCIDENT_BLUEPRINT = "incidentioIncident";

let sandboxes: DemoSandboxes | undefined;
const processes: CliProcess[] = [];
afterEach(async () => {
  for (const process of processes.splice(0)) {
    process.child.kill("SIGKILL");
    await process.done;
  }
  await sandboxes?.close();
  sandboxes = undefined;
});

interface World {
  readonly sandboxes: DemoSandboxes;
  readonly db: string;
  readonly env: Record<string, string>;
}

async function setUp(extra: Record<string, string> = {}): Promise<World> {
  sandboxes = await startDemoSandboxes();
  const db = join(makeTempDir("etl-serve-"), "etl.sqlite");
  const env = { ...sandboxes.env, ETL_DB: db, ETL_WEBHOOK_SECRET: SECRET, ETL_SERVE_HOST: "127.0.0.1", ETL_SERVE_PORT: "0", ...extra };
  return { sandboxes, db, env };
}

/** A first sync, so that serve has a staging file to apply events over. */
async function sync(world: World): Promise<void> {
  const result = await runCli(["run"], world.env, 120_000);
  expect(result.code, result.stderr).toBe(0);
}

/** Starts serve and resolves with the URL it listens on. */
async function startServe(world: World, env: Record<string, string> = {}): Promise<{ serve: CliProcess; url: string }> {
  const serve = startCli(["serve"], { ...world.env, ...env }, 120_000);
  processes.push(serve);
  await serve.waitForStdout(/serve: listening on http:\/\/\S+/);
  const url = /serve: listening on (http:\/\/\S+)/.exec(serve.stdout())?.[1] as string;
  return { serve, url };
}

let sequence = 0;
/** Posts a signed `public_incident.incident_updated_v2` about `incidentId`, as Svix would; returns the status. */
function sendIncidentUpdated(url: string, incidentId: string, webhookId = `msg_e2e_${++sequence}`): Promise<number> {
  return postWebhook(url, SECRET, webhookId, "public_incident.incident_updated_v2", { id: incidentId });
}

/** Renames `count` incidents in the Incident.io sandbox; returns their ids and new names. */
function renameIncidents(world: World, count: number, tag: string): { id: string; name: string }[] {
  const data = world.sandboxes.incidentIo.dataset;
  const renamed: { id: string; name: string }[] = [];
  for (const incident of data.records("incidents") as Iterable<{ id: string; name: string }>) {
    if (renamed.length === count) break;
    const name = `${incident.name.replace(/ \(e2e .*\)$/, "")} (e2e ${tag})`;
    data.update("incidents", incident.id, { name });
    renamed.push({ id: incident.id, name });
  }
  return renamed;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const titleInPort = (world: World, id: string) => world.sandboxes.port.entity(INCIDENT_BLUEPRINT, id)?.title;
const inbox = (db: string) => queryStagingFile<{ state: string; n: number }>(db, "select state, count(*) as n from webhook_inbox group by state order by state");

// Each test starts sandboxes, a first sync and one or two serve processes: minutes on a loaded two-core machine.
describe("etl serve", { timeout: 150_000 }, () => {
  it("refuses bad settings and a staging file never synced with exit 2, before listening, without echoing the secret", async () => {
    const world = await setUp();
    const [missing, malformed, unsynced] = await Promise.all([
      runCli(["serve"], { ...world.env, ETL_WEBHOOK_SECRET: "" }),
      runCli(["serve"], { ...world.env, ETL_WEBHOOK_SECRET: "not-the-signing-secret-value" }),
      runCli(["serve"], world.env),
    ]);
    expect([missing.code, malformed.code, unsynced.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain("ETL_WEBHOOK_SECRET is required to serve");
    expect(malformed.stderr).toContain("ETL_WEBHOOK_SECRET: must be the webhook endpoint's signing secret");
    expect(malformed.stderr + malformed.stdout).not.toContain("not-the-signing-secret-value");
    expect(unsynced.stderr).toMatch(/has never been synced to Port.*OCEAN__EVENT_LISTENER=\{"type":"POLLING"\}/);
    for (const result of [missing, malformed, unsynced]) expect(result.stdout).not.toContain("listening");
  });

  it("applies a signed event end to end, refuses a forged one, and stops on SIGTERM with exit 0 and a summary", async () => {
    const world = await setUp();
    await sync(world);
    const { serve, url } = await startServe(world);
    const [incident] = renameIncidents(world, 1, "live");
    expect(titleInPort(world, incident!.id)).not.toBe(incident!.name);

    expect(await sendIncidentUpdated(url, incident!.id)).toBe(200);
    await waitFor(() => titleInPort(world, incident!.id) === incident!.name, 30_000, "the renamed incident in Port");
    await serve.waitForStdout(/serve: applied 1 records from 1 events .*1 writes to Port, lag/);

    const forged = await fetch(`${url}/webhooks/incidentio`, {
      method: "POST",
      headers: { "webhook-id": "msg_forged", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,Zm9yZ2Vk" },
      body: "{}",
    });
    expect(forged.status).toBe(401);

    // A second serve on the same port: one clear error, exit 2.
    const taken = await runCli(["serve"], { ...world.env, ETL_SERVE_PORT: new URL(url).port });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(
      `error: invalid configuration:\n  - ETL_SERVE_PORT: 127.0.0.1:${new URL(url).port} is already in use by another process; stop it or set ETL_SERVE_PORT to a free port\n`,
    );

    serve.child.kill("SIGTERM");
    const result = await serve.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/serve: stopped after \d+ passes: 1 events applied .*; 0 events pending.*refused or ignored: webhook refused \(401\) ×1/);
    expect(result.stdout + result.stderr).not.toContain(SECRET.slice("whsec_".length));
    for (const suffix of ["", "-wal", "-shm"]) {
      const path = `${world.db}${suffix}`;
      if (existsSync(path)) expect(readFileSync(path).includes(SECRET.slice("whsec_".length)), path).toBe(false);
    }
    expect(inbox(world.db)).toEqual([{ state: "applied", n: 1 }]);
  });

  it("keeps an event pending when its record cannot be read now, and applies it on the retry a second later", async () => {
    const world = await setUp();
    await sync(world);
    const { serve, url } = await startServe(world);
    const [incident] = renameIncidents(world, 1, "retry");
    world.sandboxes.incidentIo.faults.add({ route: "GET /v2/incidents/*", fault: { type: "status", status: 403 } });
    expect(await sendIncidentUpdated(url, incident!.id)).toBe(200);
    await serve.waitForStdout(/serve: applied 0 records from 0 events .*; 1 to retry \(/);
    await waitFor(() => titleInPort(world, incident!.id) === incident!.name, 30_000, "the renamed incident in Port after the retry");
    const [row] = queryStagingFile<{ state: string; attempts: number; last_error: string | null }>(world.db, "select state, attempts, last_error from webhook_inbox");
    expect(row).toMatchObject({ state: "applied", attempts: 1 });
    expect(row?.last_error).toContain("403");
    serve.child.kill("SIGTERM");
    expect((await serve.done).stdout).toMatch(/1 events applied .* 1 attempts to retry/);
  });

  it("applies at start the events an earlier process committed but did not apply", async () => {
    const world = await setUp();
    await sync(world);
    const renamed = renameIncidents(world, 3, "pending");
    // As a process killed after its 2xx answers leaves them: committed, pending.
    const opened = openDatabase(world.db);
    for (const [index, incident] of renamed.entries()) {
      const event = { webhookId: `msg_pending_${index}`, eventType: "public_incident.incident_updated_v2", resource: "incident" as const, recordId: incident.id, deleted: false };
      await insertWebhookEvent(opened.db, event, new Date(), new Date());
    }
    await opened.close();

    const { serve } = await startServe(world);
    await waitFor(() => renamed.every((incident) => titleInPort(world, incident.id) === incident.name), 30_000, "the pending events applied");
    serve.child.kill("SIGTERM");
    expect((await serve.done).code).toBe(0);
    expect(inbox(world.db)).toEqual([{ state: "applied", n: 3 }]);
  });

  it("lets events wait while another process holds the staging file, and applies them once it is free", async () => {
    const world = await setUp();
    await sync(world);
    const { serve, url } = await startServe(world);
    // Another process's sync, as its lock row says: this test's own live pid, a fresh heartbeat.
    const holder = new BetterSqlite3(world.db);
    const now = new Date().toISOString();
    holder.prepare("insert into locks (name, owner, pid, acquired_at, heartbeat_at) values ('pipeline', ?, ?, ?, ?)").run(`${hostname()}:${process.pid}:e2e`, process.pid, now, now);
    try {
      const [incident] = renameIncidents(world, 1, "busy");
      expect(await sendIncidentUpdated(url, incident!.id)).toBe(200);
      await serve.waitForStdout(/serve: another process is working on the staging file \(pid \d+, since/);
      expect(titleInPort(world, incident!.id)).not.toBe(incident!.name);
      expect(inbox(world.db)).toEqual([{ state: "pending", n: 1 }]);
      holder.prepare("delete from locks where name = 'pipeline'").run();
      await serve.waitForStdout(/serve: the staging file is free again/, 1, 30_000);
      await waitFor(() => titleInPort(world, incident!.id) === incident!.name, 30_000, "the renamed incident in Port");
    } finally {
      holder.close();
    }
    serve.child.kill("SIGTERM");
    expect((await serve.done).code).toBe(0);
  });

  it("exits 0 on SIGTERM in the middle of a stream, and loses nothing: what was answered 2xx is applied by the next process", async () => {
    const world = await setUp();
    await sync(world);
    const renamed = renameIncidents(world, 30, "stream");
    const first = await startServe(world);
    const answered = new Map<string, number>();
    let stopped: Promise<unknown> | undefined;
    for (const [index, incident] of renamed.entries()) {
      if (index === 15) {
        first.serve.child.kill("SIGTERM");
        stopped = first.serve.done;
      }
      const webhookId = `msg_stream_${index}`;
      answered.set(webhookId, await sendIncidentUpdated(first.url, incident.id, webhookId));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = (await stopped) as Awaited<CliProcess["done"]>;
    expect(result.code).toBe(0);
    const accepted = [...answered].filter(([, status]) => status >= 200 && status < 300).map(([id]) => id);
    expect(accepted.length).toBeGreaterThanOrEqual(15);
    // Every event answered 2xx is in the inbox, applied or still pending; none is lost.
    const stored = new Set(queryStagingFile<{ webhook_id: string }>(world.db, "select webhook_id from webhook_inbox").map((row) => row.webhook_id));
    for (const id of accepted) expect(stored, id).toContain(id);

    // The next process applies what was pending; Svix redelivers what was not answered 2xx.
    const second = await startServe(world);
    for (const [index, incident] of renamed.entries()) {
      const webhookId = `msg_stream_${index}`;
      if (!accepted.includes(webhookId)) expect(await sendIncidentUpdated(second.url, incident.id, webhookId)).toBe(200);
    }
    await waitFor(() => renamed.every((incident) => titleInPort(world, incident.id) === incident.name), 40_000, "every renamed incident in Port");
    await waitFor(() => inbox(world.db).every((row) => row.state === "applied"), 30_000, "an empty backlog");
    second.serve.child.kill("SIGTERM");
    expect((await second.serve.done).code).toBe(0);
    expect(inbox(world.db)).toEqual([{ state: "applied", n: 30 }]);
  });

  it("with POLLING runs the scheduled syncs in the same process, and events wait for a running sync", async () => {
    const world = await setUp({ OCEAN__EVENT_LISTENER: '{"type":"POLLING"}', OCEAN__SCHEDULED_RESYNC_INTERVAL: "0.05" });
    // No sync before: the first scheduled sync runs at start, on an empty staging file.
    const { serve, url } = await startServe(world);
    const [incident] = renameIncidents(world, 1, "polling");
    // Sent while the first sync runs (it takes seconds): committed at once, applied after the sync.
    expect(await sendIncidentUpdated(url, incident!.id)).toBe(200);
    await waitFor(() => titleInPort(world, incident!.id) === incident!.name, 60_000, "the renamed incident in Port");
    await waitFor(() => queryStagingFile(world.db, "select id from runs where command = 'run' and status = 'succeeded'").length >= 2, 60_000, "a second scheduled sync");
    serve.child.kill("SIGTERM");
    const result = await serve.done;
    expect(result.code).toBe(0);
    // The event, committed while the first sync ran, was applied only once that sync had ended.
    const lines = result.stdout.split("\n");
    const firstSyncEnded = lines.findIndex((line) => /^Run \d+ succeeded/.test(line));
    const applied = lines.findIndex((line) => line.includes("serve: applied 1 records from 1 events"));
    expect(firstSyncEnded).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(firstSyncEnded);
    expect(result.stdout).toMatch(/serve: POLLING: a sync now and then every 0.05 minutes/);
    expect(inbox(world.db)).toEqual([{ state: "applied", n: 1 }]);
  });
});
