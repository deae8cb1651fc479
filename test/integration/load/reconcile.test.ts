import { afterEach, describe, expect, it } from "vitest";
import { listSnapshotKeys } from "../../../db/queries/port-snapshot";
import { load } from "../../../src/load";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { expectedInPort, incident, makeLoadInput, readPortState, recordExtract, stageEntities, user, type TestEntity } from "../../helpers/load-fixtures";
import { openTestDb } from "../../helpers/open-test-db";

const sandboxes: PortSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

/** Someone editing Port by hand, through its API. */
async function editByHand(sandbox: PortSandbox, method: string, path: string, body?: unknown): Promise<number> {
  const auth = await fetch(`${sandbox.baseUrl}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }),
  });
  const { accessToken } = (await auth.json()) as { accessToken: string };
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.status;
}

function entities(): TestEntity[] {
  return [...Array.from({ length: 12 }, (_, i) => user(`u${i}`)), ...Array.from({ length: 10 }, (_, i) => incident(`i${i}`, `u${i}`))];
}

describe("load --reconcile", () => {
  it("repairs hand edits and deletions made in Port, leaves entities made by others alone, then goes quiet", async () => {
    const { db } = openTestDb();
    const sandbox = await startPortSandbox();
    sandboxes.push(sandbox);
    await recordExtract(db, 1);
    await stageEntities(db, entities());
    await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox));
    expect(await editByHand(sandbox, "POST", "/v1/blueprints/testUser/entities?upsert=true&merge=true", { identifier: "u1", title: "Edited by hand" })).toBe(201);
    expect(await editByHand(sandbox, "DELETE", "/v1/blueprints/testIncident/entities/i9?delete_dependents=false")).toBe(200);
    expect(await editByHand(sandbox, "POST", "/v1/blueprints/testUser/entities?upsert=true", { identifier: "made-by-hand", title: "Someone else's" })).toBe(201);

    const before = sandbox.writes.length;
    const withoutReconcile = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2 }));
    expect(withoutReconcile.requests.entityWrites).toBe(0);

    const plan = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 3, reconcile: true, dryRun: true }));
    expect(sandbox.writes.length).toBe(before);
    expect(plan.plan?.changes).toEqual([
      { operation: "update", blueprint: "testUser", identifier: "u1", fields: ["title"] },
      { operation: "create", blueprint: "testIncident", identifier: "i9" },
    ]);

    const repaired = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 4, reconcile: true }));

    expect(sandbox.writes.slice(before).map((write) => `${write.op} ${write.blueprint}/${write.identifier}`)).toEqual(["upsert testUser/u1", "upsert testIncident/i9"]);
    expect(repaired.blueprints.map((b) => [b.blueprint, b.created, b.updated, b.deleted])).toEqual([
      ["testUser", 0, 1, 0],
      ["testIncident", 1, 0, 0],
      ["testFollowUp", 0, 0, 0],
    ]);
    expect(sandbox.entity("testUser", "made-by-hand")).toBeDefined();
    expect(readPortState(sandbox).filter((entity) => entity.identifier !== "made-by-hand")).toEqual(expectedInPort(entities()));
    expect((await listSnapshotKeys(db, ["testUser"])).map((row) => row.identifier)).not.toContain("made-by-hand");
    const searches = sandbox.requests.filter((request) => request.path.endsWith("/entities/search"));
    expect(searches.length).toBeGreaterThanOrEqual(2);

    const afterRepair = sandbox.writes.length;
    const quiet = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 5, reconcile: true }));
    expect(sandbox.writes.length).toBe(afterRepair);
    expect(quiet.requests.entityWrites).toBe(0);
  });

  it("adopts what Port already holds when the snapshot was lost, without writing it again", async () => {
    const { db } = openTestDb();
    const sandbox = await startPortSandbox();
    sandboxes.push(sandbox);
    await recordExtract(db, 1);
    await stageEntities(db, entities());
    await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox));
    await db.deleteFrom("port_snapshot").execute();
    const before = sandbox.writes.length;

    const summary = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2, reconcile: true }));

    expect(sandbox.writes.length).toBe(before);
    expect(summary.blueprints.every((b) => b.created + b.updated === 0)).toBe(true);
    expect(await listSnapshotKeys(db, ["testUser", "testIncident"])).toHaveLength(22);
  });

  it("pages through more entities than one search page holds", async () => {
    const { db } = openTestDb();
    const sandbox = await startPortSandbox();
    sandboxes.push(sandbox);
    const many = Array.from({ length: 2300 }, (_, i) => user(`u${String(i).padStart(4, "0")}`));
    await recordExtract(db, 1);
    await stageEntities(db, many);
    await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox));
    await db.deleteFrom("port_snapshot").execute();

    await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2, reconcile: true }));

    expect(sandbox.requests.filter((request) => request.path === "/v1/blueprints/testUser/entities/search")).toHaveLength(3);
    expect(await listSnapshotKeys(db, ["testUser"])).toHaveLength(2300);
  });
});
