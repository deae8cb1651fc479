import { createServer } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SKIPPED_AFTER_FAILED_EXTRACT } from "../../../src/pipeline/run";
import { queryStagingFile, startSyncWorld } from "../../helpers/sync-world";

/** A loopback port nothing listens on: bound, read, closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function entityWrites(paths: readonly string[]): number {
  return paths.filter((path) => path.includes("/entities")).length;
}

describe("the credentials check before any stage", () => {
  it("exits 2 after one Incident.io request when the key is refused, naming the host, the request and the variable", async () => {
    const world = await startSyncWorld();
    const result = await world.cli(["run"], { OCEAN__INTEGRATION__SECRETS__TOKEN: "inc_wrong" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Incident.io at ${world.incidentIo.baseUrl}: GET /v1/identity: 401`);
    expect(result.stderr).toContain("OCEAN__INTEGRATION__SECRETS__TOKEN");
    expect(world.incidentIo.requests.map((r) => r.path)).toEqual(["/v1/identity"]);
    expect(entityWrites(world.port.requests.map((r) => r.path))).toBe(0);
    expect(queryStagingFile(world.dbPath, "select * from runs")).toEqual([]);
  });

  it("exits 2 within seconds when Incident.io's host refuses connections", async () => {
    const world = await startSyncWorld();
    const base = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const result = await world.cli(["extract"], { OCEAN__INTEGRATION__CONFIG__BASE_URL: base });
    const elapsedMs = Date.now() - started;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Incident.io at ${base}: GET /v1/identity: no response: ECONNREFUSED`);
    expect(result.stderr).toContain("OCEAN__INTEGRATION__CONFIG__BASE_URL");
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it("exits 2 before any extract when Port refuses the client, with the region hint", async () => {
    const world = await startSyncWorld();
    const result = await world.cli(["run"], { OCEAN__PORT__CLIENT_SECRET: "not-the-secret" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Port at ${world.port.baseUrl}: OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET: Port refused them (401`);
    expect(result.stderr).toContain("a client of one Port region is refused by the other (EU https://api.port.io, US https://api.us.port.io)");
    // Only the probe: no kind was extracted.
    expect(world.incidentIo.requests.length).toBeLessThanOrEqual(1);
  });

  it("goes on when a service only drops connections or fails during the check: the stages' retries absorb it and the run succeeds", async () => {
    const world = await startSyncWorld();
    world.port.faults.add({ route: "POST /v1/auth/access_token", fault: { type: "reset" }, times: 2 });
    world.incidentIo.faults.add({ route: "GET /v1/identity", fault: { type: "status", status: 503 }, times: 8 });
    const result = await world.cli(["run", "--json"], { ETL_MAX_ATTEMPTS: "3" });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "succeeded" });
  });

  it("does not ask Port for a token for a plan without --reconcile", async () => {
    const world = await startSyncWorld();
    expect((await world.cli(["extract"])).code).toBe(0);
    expect((await world.cli(["transform"])).code).toBe(0);
    world.port.requests.length = 0;
    const result = await world.cli(["plan"], { OCEAN__PORT__CLIENT_SECRET: "not-the-secret" });
    expect(result.code, result.stderr).toBe(0);
    expect(world.port.requests).toHaveLength(0);
  });

  it("reads one page of one record of the mapping when the base URL does not serve the identity endpoint", async () => {
    const world = await startSyncWorld();
    world.incidentIo.faults.add({ route: "GET /v1/identity", fault: { type: "status", status: 404 } });
    world.incidentIo.faults.add({ route: "GET /v2/users", fault: { type: "status", status: 401 } });
    const result = await world.cli(["extract"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Incident.io at ${world.incidentIo.baseUrl}: GET /v2/users: 401`);
    expect(world.incidentIo.requests.map((r) => [r.path, r.query["page_size"]])).toEqual([["/v1/identity", undefined], ["/v2/users", "1"]]);
  });
});

describe("a run whose kinds all failed to extract", () => {
  it("skips transform and load, says so in the summary and exits 1", async () => {
    const world = await startSyncWorld();
    // The probe passes; every later request of every kind (and of catalog_entries' parent) is refused.
    world.incidentIo.faults.add({ route: "GET /*/*", fault: { type: "status", status: 400 }, skip: 1, times: 10_000 });
    const result = await world.cli(["run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`error: ${SKIPPED_AFTER_FAILED_EXTRACT}`);
    expect(result.stdout).toMatch(/Run \d+ failed/);
    const stages = queryStagingFile<{ stage: string }>(world.dbPath, "select stage from run_stages");
    expect(stages.map((s) => s.stage)).toEqual(["extract"]);
    expect(entityWrites(world.port.requests.map((r) => r.path))).toBe(0);
  });
});

describe("--db problems", () => {
  it.each([
    { name: "a missing folder", db: (dir: string) => join(dir, "missing", "etl.sqlite"), says: "does not exist; create the folder or point --db/ETL_DB at an existing one" },
    { name: "a folder", db: (dir: string) => { mkdirSync(join(dir, "folder")); return join(dir, "folder"); }, says: "is a folder, not a file" },
    { name: "a file that is not SQLite", db: (dir: string) => { writeFileSync(join(dir, "notes.txt"), "not a database at all\n"); return join(dir, "notes.txt"); }, says: "is not a SQLite file" },
  ])("exit 2 naming the path and the fix: $name", async ({ db, says }) => {
    const world = await startSyncWorld();
    const path = db(world.dir);
    const result = await world.cli(["run", "--db", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain(says);
    expect(world.incidentIo.requests).toHaveLength(0);
  });
});
