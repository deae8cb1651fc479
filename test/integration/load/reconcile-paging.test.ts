import { afterEach, describe, expect, it } from "vitest";
import { listSnapshotKeys } from "../../../db/queries/port-snapshot";
import { LoadError } from "../../../src/errors";
import { load } from "../../../src/load";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { makeLoadInput, recordExtract, stageEntities, user } from "../../helpers/load-fixtures";
import { openTestDb } from "../../helpers/open-test-db";

const sandboxes: PortSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

const SEARCH = "/v1/blueprints/testUser/entities/search";

/** A Port holding 5 synced users, with its snapshot recorded. */
async function syncedWorld() {
  const { db } = openTestDb();
  const sandbox = await startPortSandbox();
  sandboxes.push(sandbox);
  await recordExtract(db, 1);
  await stageEntities(db, Array.from({ length: 5 }, (_, i) => user(`u${i}`)));
  await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox));
  sandbox.requests.length = 0;
  return { db, sandbox };
}

/** Arms search answers that each name `next`, in order. */
function answerSearchWith(sandbox: PortSandbox, nexts: readonly string[]): void {
  for (const next of nexts) {
    sandbox.faults.add({ route: `POST ${SEARCH}`, fault: { type: "raw", status: 200, text: JSON.stringify({ ok: true, entities: [], next }) } });
  }
}

describe("load --reconcile against a search whose paging cannot be trusted", () => {
  it("fails the blueprint's reconcile on a next equal to the cursor it was asked with, and forgets nothing", async () => {
    const { db, sandbox } = await syncedWorld();
    const before = await listSnapshotKeys(db, ["testUser"]);
    answerSearchWith(sandbox, Array.from({ length: 50 }, () => "stuck"));

    const failure = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2, reconcile: true })).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LoadError);
    expect((failure as LoadError).blueprint).toBe("testUser");
    expect((failure as LoadError).message).toContain("reconcile stopped paging after from=stuck: Port's search answered next=stuck, the cursor it was asked for");
    expect(sandbox.requests.filter((request) => request.path === SEARCH)).toHaveLength(2);
    expect(await listSnapshotKeys(db, ["testUser"])).toEqual(before);
  });

  it("fails on a cycle of nexts", async () => {
    const { db, sandbox } = await syncedWorld();
    answerSearchWith(sandbox, ["a", "b", "a", "b", "a"]);

    const failure = await load({ db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId: 2, reconcile: true })).catch((error: unknown) => error);

    expect((failure as LoadError).message).toContain("Port's search answered next=a, which it had already answered");
    expect(sandbox.requests.filter((request) => request.path === SEARCH)).toHaveLength(3);
  });

  it("stops a search that keeps answering with a new next at the page bound, quickly", async () => {
    const { db, sandbox } = await syncedWorld();
    answerSearchWith(sandbox, Array.from({ length: 200 }, (_, i) => `n${i}`));
    const input = makeLoadInput(sandbox, { runId: 2, reconcile: true });
    const started = Date.now();

    const failure = await load({ db, progress: SILENT_PROGRESS }, { ...input, port: { ...input.port, pageBound: { minPages: 5, factor: 1, firstReadPages: 5 } } }).catch((error: unknown) => error);

    expect(Date.now() - started).toBeLessThan(5000);
    expect((failure as LoadError).message).toContain("kept answering with a next page past 5 pages, the bound for this blueprint");
    expect(sandbox.requests.filter((request) => request.path === SEARCH)).toHaveLength(5);
  });
});
