import { afterEach, describe, expect, it } from "vitest";
import { listLoadErrors } from "../../../db/queries/load-errors";
import { listSnapshotKeys } from "../../../db/queries/port-snapshot";
import { load, type LoadInput } from "../../../src/load";
import { SILENT_PROGRESS, type ProgressEvent } from "../../../src/model/progress";
import { Secret } from "../../../src/model/secret";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import {
  expectedInPort,
  followUp,
  incident,
  KIND_OF,
  makeLoadInput,
  makeMapping,
  readPortState,
  recordExtract,
  stageEntities,
  storeRawRecords,
  TEST_BLUEPRINTS,
  toSandboxBlueprints,
  user,
  type TestEntity,
} from "../../helpers/load-fixtures";
import { openTestDb } from "../../helpers/open-test-db";

const sandboxes: PortSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

async function startSandbox(options: Parameters<typeof startPortSandbox>[0] = {}): Promise<PortSandbox> {
  const sandbox = await startPortSandbox(options);
  sandboxes.push(sandbox);
  return sandbox;
}

/** 30 users (u20–u29 are nobody's target), 40 incidents (i25–i39 are nobody's target), 25 follow-ups. */
function baseline(): TestEntity[] {
  const users = Array.from({ length: 30 }, (_, i) => user(`u${i}`));
  const incidents = Array.from({ length: 40 }, (_, i) => incident(`i${i}`, `u${i % 20}`));
  const followUps = Array.from({ length: 25 }, (_, i) => followUp(`f${i}`, `i${i}`, [`u${i % 20}`, `u${(i + 1) % 20}`]));
  return [...users, ...incidents, ...followUps];
}

/** Stages `entities` after a complete extract and loads them. */
async function stageAndLoad(db: Parameters<typeof stageEntities>[0], sandbox: PortSandbox, entities: TestEntity[], over: Partial<LoadInput> = {}, runId = 1) {
  await recordExtract(db, runId);
  await stageEntities(db, entities);
  return load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId, ...over }));
}

const entityWrites = (sandbox: PortSandbox, from = 0) => sandbox.writes.slice(from).map((write) => `${write.op} ${write.blueprint}/${write.identifier}`).sort();

describe("load", () => {
  it("creates the blueprints, registers the integration and leaves Port holding exactly the staged entities", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    const entities = baseline();

    const summary = await stageAndLoad(db, sandbox, entities);

    expect(TEST_BLUEPRINTS.map((blueprint) => sandbox.blueprint(blueprint.identifier)?.relations)).toEqual(TEST_BLUEPRINTS.map((blueprint) => blueprint.relations));
    expect(sandbox.blueprint("testIncident")?.["mirrorProperties"]).toEqual({ commanderEmail: { path: "commander.email" } });
    expect(sandbox.integration("test-integration")).toMatchObject({ installationId: "test-integration", installationAppType: "incident-io", config: { resources: expect.any(Array) } });
    expect(readPortState(sandbox)).toEqual(expectedInPort(entities));
    expect(summary.blueprints.map((b) => [b.blueprint, b.created, b.updated, b.deleted, b.failed])).toEqual([
      ["testUser", 30, 0, 0, 0],
      ["testIncident", 40, 0, 0, 0],
      ["testFollowUp", 25, 0, 0, 0],
    ]);
    expect(await listSnapshotKeys(db, ["testUser", "testIncident", "testFollowUp"])).toHaveLength(95);
    // No placeholder: targets went first.
    expect(sandbox.writes.filter((write) => write.op === "placeholder")).toEqual([]);
  });

  it("leaves the integration's config as users edited it in Port (Ocean sets it only where it is empty)", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    const edited = { resources: [{ kind: "/v2/users", selector: { query: "true" }, port: { entity: { mappings: { identifier: ".id", blueprint: '"testUser"' } } } }] };
    sandbox.editIntegrationConfig("test-integration", edited);

    await stageAndLoad(db, sandbox, baseline(), {}, 2);

    expect((sandbox.integration("test-integration") as { config: unknown }).config).toEqual(edited);
    sandbox.editIntegrationConfig("test-integration", {});
    await stageAndLoad(db, sandbox, baseline(), {}, 3);
    expect(sandbox.integration("test-integration")).toMatchObject({ config: { resources: expect.any(Array) } });
  });

  it("makes no entity write and a constant handful of other requests when nothing changed", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline(), { sendRawDataExamples: true });
    await storeRawRecords(db, KIND_OF["testUser"] as string, [{ id: "u0", name: "Ada" }]);
    const writes = sandbox.writes.length;
    const requests = sandbox.requests.length;

    const summary = await stageAndLoad(db, sandbox, baseline(), { sendRawDataExamples: true }, 2);

    expect(sandbox.writes.length).toBe(writes);
    const second = sandbox.requests.slice(requests).map((request) => `${request.method} ${request.path}`);
    expect(second).toEqual([
      "POST /v1/auth/access_token",
      "GET /v1/blueprints",
      "GET /v1/integration/test-integration",
      "POST /v1/integration/test-integration/kinds/%2Fv2%2Fusers/examples",
    ]);
    expect(summary.requests).toEqual({ entityWrites: 0, other: 4 });
    expect(summary.blueprints.every((b) => b.created + b.updated + b.deleted === 0)).toBe(true);
    expect(sandbox.kindExamples("test-integration", "/v2/users")).toEqual([{ id: "u0", name: "Ada" }]);
  });

  it("sends exactly the updates, deletions and additions across kinds after the source changed", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    const before = sandbox.writes.length;
    const changed = baseline()
      .filter((entity) => !["u29", "i39", "f24"].includes(entity.identifier))
      .map((entity) => (entity.identifier === "u3" ? user("u3", { title: "Renamed" }) : entity))
      .map((entity) => (entity.identifier === "i7" ? incident("i7", "u8", { properties: { status: "closed", createdAt: "2024-05-01T10:00:00Z" } }) : entity));
    const next = [...changed, user("u100"), incident("i100", "u100"), followUp("f100", "i100")];

    const summary = await stageAndLoad(db, sandbox, next, {}, 2);

    expect(entityWrites(sandbox, before)).toEqual(
      [
        "upsert testUser/u3",
        "upsert testUser/u100",
        "upsert testIncident/i7",
        "upsert testIncident/i100",
        "upsert testFollowUp/f100",
        "delete testUser/u29",
        "delete testIncident/i39",
        "delete testFollowUp/f24",
      ].sort(),
    );
    expect(readPortState(sandbox)).toEqual(expectedInPort(next));
    expect(summary.blueprints.map((b) => [b.blueprint, b.created, b.updated, b.deleted])).toEqual([
      ["testUser", 1, 1, 1],
      ["testIncident", 1, 1, 1],
      ["testFollowUp", 1, 0, 1],
    ]);
  });

  it("keeps every entity of a kind whose extract failed", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    const before = sandbox.writes.length;
    await recordExtract(db, 2, [KIND_OF["testIncident"] as string]);
    // The failed kind staged nothing this time; the others are unchanged.
    await stageEntities(db, baseline().filter((entity) => entity.blueprint !== "testIncident"));

    const summary = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2 }));

    expect(sandbox.writes.length).toBe(before);
    expect(sandbox.entities("testIncident")).toHaveLength(40);
    expect(summary.blueprints.find((b) => b.blueprint === "testIncident")).toMatchObject({ deleted: 0, deletesWithheld: 40, deleteBlock: "extract-incomplete" });
  });

  it("withholds and names deletions over the threshold, and sends them with allowMassDelete", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    const before = sandbox.writes.length;
    const shrunk = baseline().filter((entity) => entity.blueprint !== "testFollowUp" || entity.identifier === "f0");

    const blocked = await stageAndLoad(db, sandbox, shrunk, {}, 2);

    expect(sandbox.writes.length).toBe(before);
    expect(blocked.blueprints.find((b) => b.blueprint === "testFollowUp")).toMatchObject({ deleted: 0, deletesWithheld: 24, deleteBlock: "threshold" });
    expect(blocked.blueprints.filter((b) => b.deleteBlock !== undefined).map((b) => b.blueprint)).toEqual(["testFollowUp"]);

    const allowed = await stageAndLoad(db, sandbox, shrunk, { allowMassDelete: true }, 3);

    expect(allowed.blueprints.find((b) => b.blueprint === "testFollowUp")).toMatchObject({ deleted: 24, deletesWithheld: 0 });
    expect(readPortState(sandbox)).toEqual(expectedInPort(shrunk));
  });

  it("names each entity Port refuses in a 207 with Port's message, and pushes it on the next run", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    sandbox.failEntity({ blueprint: "testIncident", identifier: "i5", message: 'The property "status" is not valid' });
    sandbox.failEntity({ blueprint: "testUser", identifier: "u9", status: 422, error: "invalid_identifier", message: "bad user" });

    const first = await stageAndLoad(db, sandbox, baseline());

    expect(first.failures).toEqual([
      { blueprint: "testUser", identifier: "u9", operation: "upsert", status: 422, message: "invalid_identifier: bad user" },
      { blueprint: "testIncident", identifier: "i5", operation: "upsert", status: 422, message: 'blueprint_schema_mismatch: The property "status" is not valid' },
    ]);
    expect(first.blueprints.map((b) => [b.blueprint, b.created, b.failed])).toEqual([
      ["testUser", 29, 1],
      ["testIncident", 39, 1],
      ["testFollowUp", 25, 0],
    ]);
    expect((await listLoadErrors(db, 1)).map((row) => `${row.blueprint}/${row.identifier} ${row.status}`)).toEqual(["testUser/u9 422", "testIncident/i5 422"]);
    const before = sandbox.writes.length;

    const second = await stageAndLoad(db, sandbox, baseline(), {}, 2);

    expect(entityWrites(sandbox, before)).toEqual(["upsert testIncident/i5", "upsert testUser/u9"]);
    expect(second.failures).toEqual([]);
    expect(readPortState(sandbox)).toEqual(expectedInPort(baseline()));
  });

  it("refreshes a token that expires mid-load and finishes without failures", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox({ latencyMs: 20 });
    const entities = Array.from({ length: 400 }, (_, i) => user(`u${i}`));
    await recordExtract(db, 1);
    await stageEntities(db, entities);
    const expire = setInterval(() => {
      if (sandbox.requests.filter((request) => request.path.endsWith("/entities/bulk")).length >= 6) {
        sandbox.expireTokens();
        clearInterval(expire);
      }
    }, 2);

    try {
      const summary = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox));
      expect(summary.failures).toEqual([]);
    } finally {
      clearInterval(expire);
    }

    expect(sandbox.requests.some((request) => request.status === 401)).toBe(true);
    expect(sandbox.requests.filter((request) => request.path === "/v1/auth/access_token")).toHaveLength(2);
    expect(sandbox.entities("testUser")).toHaveLength(400);
  });

  it("replaces a short-lived token before it runs out, without meeting a 401", async () => {
    const { db } = openTestDb();
    // 100 batches, 4 at a time, 60 ms each: about 1.5 s, so the 1-second token must be replaced.
    const sandbox = await startSandbox({ tokenTtlSeconds: 1, latencyMs: 60, blueprints: toSandboxBlueprints(TEST_BLUEPRINTS) });
    const entities = Array.from({ length: 2000 }, (_, i) => user(`u${i}`));

    const summary = await stageAndLoad(db, sandbox, entities, { initializePortResources: false });

    expect(summary.failures).toEqual([]);
    expect(sandbox.requests.filter((request) => request.status === 401)).toEqual([]);
    expect(sandbox.requests.filter((request) => request.path === "/v1/auth/access_token").length).toBeGreaterThanOrEqual(2);
  }, 20_000);

  it("splits a batch Port finds too large (413) and loses nothing", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    sandbox.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", fault: { type: "status", status: 413 }, times: 2 });

    const summary = await stageAndLoad(db, sandbox, baseline());

    expect(summary.failures).toEqual([]);
    expect(readPortState(sandbox)).toEqual(expectedInPort(baseline()));
    const bulk = sandbox.requests.filter((request) => request.path.endsWith("/entities/bulk"));
    const sent = (status: number) => bulk.filter((request) => request.status === status).map((request) => (request.body as { entities: unknown[] }).entities.length);
    expect(sent(413)).toHaveLength(2);
    expect(sent(200).reduce((sum, size) => sum + size, 0)).toBe(95);
    expect(Math.min(...sent(200))).toBeLessThan(20);
  });

  it("waits out a 429 and a 503 and loses nothing", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    sandbox.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", fault: { type: "status", status: 429, retryAfter: { seconds: 1, form: "seconds" } } });
    sandbox.faults.add({ route: "POST /v1/blueprints/*/bulk/entities/delete", fault: { type: "status", status: 503 } });
    await stageAndLoad(db, sandbox, baseline());
    const started = Date.now();

    const summary = await stageAndLoad(db, sandbox, baseline().slice(0, -1), {}, 2);

    expect(summary.failures).toEqual([]);
    expect(readPortState(sandbox)).toEqual(expectedInPort(baseline().slice(0, -1)));
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("slows down when Port's rate-limit headers run low, instead of meeting 429s", async () => {
    const { db } = openTestDb();
    // 30 entity requests a second; the load needs 50 bulk upserts.
    const sandbox = await startSandbox({ rateLimit: { limit: 30, periodSeconds: 1 }, blueprints: toSandboxBlueprints(TEST_BLUEPRINTS) });
    const entities = Array.from({ length: 1000 }, (_, i) => user(`u${i}`));
    const started = Date.now();

    const summary = await stageAndLoad(db, sandbox, entities, { initializePortResources: false });

    expect(summary.failures).toEqual([]);
    expect(sandbox.entities("testUser")).toHaveLength(1000);
    expect(sandbox.requests.filter((request) => request.status === 429)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("neither pushes nor deletes an entity the transform held back", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    const before = sandbox.writes.length;
    const next = baseline().map((entity) => (entity.identifier === "u1" ? { ...user("u1", { title: "changed" }), heldBackReason: "bad email" } : entity));
    next.push({ ...user("u200"), heldBackReason: "bad identifier" });

    const summary = await stageAndLoad(db, sandbox, next, {}, 2);

    expect(sandbox.writes.length).toBe(before);
    expect(sandbox.entity("testUser", "u1")?.title).toBe("User u1");
    expect(summary.blueprints.find((b) => b.blueprint === "testUser")).toMatchObject({ heldBack: 2, created: 0, updated: 0, deleted: 0 });
  });

  it("re-creates, in the same run, staged entities Port deleted as dependents of a deleted one", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    // u0 leaves the source while incident i0 (and i30) still name it as commander: Port deletes them with u0.
    const next = baseline().filter((entity) => entity.identifier !== "u0");
    await recordExtract(db, 2);
    await stageEntities(db, next);
    const events: ProgressEvent[] = [];

    const summary = await load({ db, progress: { report: (event) => events.push(event) } }, makeLoadInput(sandbox, { runId: 2 }));

    expect(summary.failures).toEqual([]);
    expect(events.filter((event) => event.type === "warning").map((event) => (event as { message: string }).message)).toEqual([
      expect.stringMatching(/^Port deleted \d+ staged entities along with entities deleted from the source/),
    ]);
    const state = readPortState(sandbox);
    // Port made a placeholder u0 for the re-created incidents' relation (createMissingRelatedEntities).
    expect(state.filter((entity) => !(entity.blueprint === "testUser" && entity.identifier === "u0"))).toEqual(expectedInPort(next));
    expect(sandbox.entity("testIncident", "i0")).toBeDefined();
    expect(sandbox.entity("testFollowUp", "f0")).toBeDefined();
  });

  it("forgets the dependents Port deleted with a confirmed delete at once, so a load stopped right after still re-creates them next run", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    // i0 leaves the source (Port deletes its follow-up f0 with it), and so does u25, whose delete then
    // finds Port unreachable: the load stops after the incidents' deletes, before its end.
    const next = baseline().filter((entity) => entity.identifier !== "i0" && entity.identifier !== "u25");
    sandbox.faults.add({ route: "POST /v1/blueprints/testUser/bulk/entities/delete", fault: { type: "status", status: 503 }, times: 3 });

    const failure = await stageAndLoad(db, sandbox, next, {}, 2).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "StageFailedError", stage: "load" });
    expect(sandbox.entity("testFollowUp", "f0")).toBeUndefined();
    expect((await listSnapshotKeys(db, ["testFollowUp"])).map((row) => row.identifier)).not.toContain("f0");

    await stageAndLoad(db, sandbox, next, {}, 3);

    // Port keeps a placeholder i0 for f0's relation (createMissingRelatedEntities).
    expect(readPortState(sandbox).filter((entity) => !(entity.blueprint === "testIncident" && entity.identifier === "i0"))).toEqual(expectedInPort(next));
    expect(sandbox.entity("testFollowUp", "f0")).toMatchObject({ title: "Follow-up f0" });
  });

  it("finishes next run the blueprints a stopped load created but had not yet given their relations", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    // The blueprints are created bare, then patched: Port stays unreachable for the first patch.
    sandbox.faults.add({ route: "PATCH /v1/blueprints/*", fault: { type: "status", status: 503 }, times: 3 });

    const failure = await stageAndLoad(db, sandbox, baseline()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(sandbox.blueprint("testIncident")?.relations ?? {}).toEqual({});

    const summary = await stageAndLoad(db, sandbox, baseline(), {}, 2);

    expect(summary.failures).toEqual([]);
    expect(TEST_BLUEPRINTS.map((blueprint) => sandbox.blueprint(blueprint.identifier)?.relations)).toEqual(TEST_BLUEPRINTS.map((blueprint) => blueprint.relations));
    expect(sandbox.blueprint("testIncident")?.["mirrorProperties"]).toEqual({ commanderEmail: { path: "commander.email" } });
    expect(readPortState(sandbox)).toEqual(expectedInPort(baseline()));
  });

  it("leaves a blueprint it did not create as it is, even when it lacks the configured relations", async () => {
    const { db } = openTestDb();
    const bare = toSandboxBlueprints(TEST_BLUEPRINTS).map((blueprint) => (blueprint.identifier === "testUser" ? blueprint : { ...blueprint, relations: {} }));
    const sandbox = await startSandbox({ blueprints: bare.filter((blueprint) => blueprint.identifier === "testIncident" || blueprint.identifier === "testUser") });

    await stageAndLoad(db, sandbox, baseline()).catch(() => undefined);

    expect(sandbox.blueprint("testIncident")?.relations).toEqual({});
    expect(sandbox.blueprint("testFollowUp")?.relations).toEqual(TEST_BLUEPRINTS.find((blueprint) => blueprint.identifier === "testFollowUp")?.relations);
  });

  it("retries once, at the end, entities refused for a target sent later when placeholders are off", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    const mapping = makeMapping({ createMissingRelatedEntities: false });
    // A self-relation inside one blueprint cannot be ordered by blueprint: c0 needs c1, sent in a later batch.
    const blueprints = TEST_BLUEPRINTS.map((blueprint) =>
      blueprint.identifier === "testUser" ? { ...blueprint, relations: { manager: { target: "testUser", required: false, many: false } } } : blueprint,
    );
    const users = Array.from({ length: 25 }, (_, i) => user(`u${String(i).padStart(2, "0")}`, { relations: { manager: i < 5 ? `u${String(i + 20).padStart(2, "0")}` : null } }));

    const summary = await stageAndLoad(db, sandbox, users, { mapping, resources: mapping.resources, blueprints });

    expect(summary.failures).toEqual([]);
    expect(sandbox.entities("testUser")).toHaveLength(25);
    expect(summary.blueprints.find((b) => b.blueprint === "testUser")).toMatchObject({ created: 25, failed: 0 });
  });

  it("plans without any request to Port, counting per blueprint and listing the first changes with their fields", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    await stageAndLoad(db, sandbox, baseline());
    const requests = sandbox.requests.length;
    const next = baseline()
      .filter((entity) => entity.identifier !== "f3")
      .map((entity) => (entity.identifier === "i2" ? incident("i2", "u5", { title: "Renamed" }) : entity));
    next.push(user("u77"));
    await recordExtract(db, 2);
    await stageEntities(db, next);

    const plan = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2, dryRun: true }));

    expect(sandbox.requests.length).toBe(requests);
    expect(plan.dryRun).toBe(true);
    expect(plan.blueprints.map((b) => [b.blueprint, b.created, b.updated, b.deleted, b.unchanged])).toEqual([
      ["testUser", 1, 0, 0, 30],
      ["testIncident", 0, 1, 0, 39],
      ["testFollowUp", 0, 0, 1, 24],
    ]);
    expect(plan.plan).toEqual({
      totalChanges: 3,
      changes: [
        { operation: "create", blueprint: "testUser", identifier: "u77" },
        { operation: "update", blueprint: "testIncident", identifier: "i2", fields: ["relations.commander", "title"] },
        { operation: "delete", blueprint: "testFollowUp", identifier: "f3" },
      ],
    });
    expect(await listSnapshotKeys(db, ["testUser"])).toHaveLength(30);
  });

  it("stops after the batches in flight when signalled, and the next run finishes the job", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox({ latencyMs: 30 });
    const entities = Array.from({ length: 400 }, (_, i) => user(`u${i}`));
    await recordExtract(db, 1);
    await stageEntities(db, entities);
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const progress = {
      report: (event: ProgressEvent) => {
        events.push(event);
        if (event.type === "kind" && event.state === "running" && (event.changes ?? 0) >= 40 && event.changes !== 400) controller.abort();
      },
    };

    const first = await load({ db, progress, signal: controller.signal }, makeLoadInput(sandbox));

    expect(first.interrupted).toBe(true);
    const pushed = sandbox.entities("testUser").length;
    expect(pushed).toBeLessThan(400);
    // Everything Port confirmed is in the snapshot: no confirmed write is lost.
    expect((await listSnapshotKeys(db, ["testUser"])).filter((row) => row.hash !== "pending").length).toBe(pushed);
    const before = sandbox.writes.length;

    await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2 }));

    expect(sandbox.entities("testUser")).toHaveLength(400);
    expect(sandbox.writes.length - before).toBe(400 - pushed);
  });

  it("stops with the partial summary when Port stays unreachable, and the next run pushes the rest", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    sandbox.faults.add({ route: "POST /v1/blueprints/testIncident/entities/bulk", fault: { type: "status", status: 503 }, times: 100 });

    const failure = await stageAndLoad(db, sandbox, baseline()).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "StageFailedError", stage: "load" });
    expect((failure as Error).message).toMatch(/^Port could not be reached.*POST \/v1\/blueprints\/testIncident\/entities\/bulk: 503/);
    expect(sandbox.entities("testUser")).toHaveLength(30);
    expect(sandbox.entities("testFollowUp")).toHaveLength(0);
    sandbox.faults.clear();

    await stageAndLoad(db, sandbox, baseline(), {}, 2);

    expect(readPortState(sandbox)).toEqual(expectedInPort(baseline()));
  });

  it("refuses missing Port credentials as configuration, naming the variable", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox();
    const input = makeLoadInput(sandbox);

    const failure = await stageAndLoad(db, sandbox, baseline(), { port: { ...input.port, clientSecret: undefined } }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "ConfigError", issues: ["OCEAN__PORT__CLIENT_SECRET: required to write to Port"] });
  });

  it("refuses wrong Port credentials as configuration without showing the secret", async () => {
    const { db } = openTestDb();
    const sandbox = await startSandbox({ clientSecret: "the-right-one" });
    const input = makeLoadInput(sandbox);

    const failure = await stageAndLoad(db, sandbox, baseline(), { port: { ...input.port, clientSecret: new Secret("wrong-secret") } }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "ConfigError" });
    expect((failure as Error).message).toContain("Port refused them (401");
    expect((failure as Error).message).not.toContain("wrong-secret");
  });
});
