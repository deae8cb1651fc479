import { describe, expect, it } from "vitest";
import { listRemovedResourcePage, readPortBinding, recordPortBinding, recordReconciled, replacePortBinding, tallyRemovedResources } from "../../../db/queries/port-binding";
import { openTestDb } from "../../helpers/open-test-db";

const COVERAGE = { kinds: ["/v2/users", "/v2/incidents"], blueprints: ["user", "incident"] };

describe("tallyRemovedResources", () => {
  it.each([
    { name: "staged by a kind of the mapping", staged: "/v2/users", source: "/v2/users", blueprint: "user", removed: false },
    { name: "staged by a kind no longer in the mapping", staged: "/v2/alerts", source: null, blueprint: "user", removed: true },
    { name: "pushed from a kind no longer in the mapping, not staged", staged: null, source: "/v2/alerts", blueprint: "alert", removed: true },
    { name: "pushed from a kind of the mapping, no longer staged (an ordinary deletion)", staged: null, source: "/v2/users", blueprint: "user", removed: false },
    { name: "read back by a reconcile, blueprint of the mapping", staged: null, source: null, blueprint: "user", removed: false },
    { name: "read back by a reconcile, blueprint no resource maps to", staged: null, source: null, blueprint: "alert", removed: true },
    { name: "a kind of the mapping that maps to another blueprint now", staged: null, source: "/v2/users", blueprint: "person", removed: true },
  ])("$name", async ({ staged, source, blueprint, removed }) => {
    const { db } = openTestDb();
    await db
      .insertInto("port_snapshot")
      .values({ blueprint, identifier: "e1", state: "confirmed", hash: "h", entity_json: "{}", run_id: 1, pushed_at: "2026-01-01T00:00:00Z", source_kind: source, source_record_id: source ? "r1" : null })
      .execute();
    if (staged) {
      await db.insertInto("staged_entities").values({ blueprint, identifier: "e1", kind: staged, record_id: "r1", entity_json: "{}", hash: "h", held_back_reason: null }).execute();
    }

    const tallies = await tallyRemovedResources(db, COVERAGE);

    expect(tallies.length > 0).toBe(removed);
    expect(await listRemovedResourcePage(db, COVERAGE, { blueprint, after: undefined, limit: 10 })).toEqual(removed ? ["e1"] : []);
  });
});

describe("port_binding", () => {
  it("binds once, fills in the organization, and adopting another Port empties the snapshot", async () => {
    const { db } = openTestDb();
    await recordPortBinding(db, { baseUrl: "https://API.port.io/", clientId: "a", organizationId: undefined, at: "t1", lastReconciledAt: "t1" });
    await recordPortBinding(db, { baseUrl: "https://other.example", clientId: "b", organizationId: "org_1", at: "t2", lastReconciledAt: null });
    expect(await readPortBinding(db)).toEqual({ baseUrl: "https://api.port.io", clientId: "a", organizationId: "org_1", boundAt: "t1", lastReconciledAt: "t1" });
    await recordReconciled(db, "t3");
    expect((await readPortBinding(db))?.lastReconciledAt).toBe("t3");
    await db.insertInto("port_snapshot").values({ blueprint: "user", identifier: "e1", state: "confirmed", hash: "h", entity_json: "{}", run_id: 1, pushed_at: "t1" }).execute();

    await replacePortBinding(db, { baseUrl: "https://api.us.port.io", clientId: "c", at: "t4" });

    expect(await readPortBinding(db)).toEqual({ baseUrl: "https://api.us.port.io", clientId: "c", organizationId: null, boundAt: "t4", lastReconciledAt: null });
    expect(await db.selectFrom("port_snapshot").selectAll().execute()).toEqual([]);
  });
});
