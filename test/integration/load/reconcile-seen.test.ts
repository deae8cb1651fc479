import { describe, expect, it } from "vitest";
import { listSnapshotKeys } from "../../../db/queries/port-snapshot";
import { forgetUnseenSnapshotRows, writeSnapshotRows } from "../../../db/queries/snapshot-ledger";
import { addSeenIdentifiers, countSeenIdentifiers, dropSeenIdentifiers, startSeenIdentifiers } from "../../../db/queries/reconcile-seen";
import { openTestDb } from "../../helpers/open-test-db";

const stamp = { runId: 1, at: "2024-01-01T00:00:00.000Z" };
const rows = (identifiers: readonly string[]) => identifiers.map((identifier) => ({ identifier, entityJson: "{}", state: "confirmed" as const, hash: "1" }));

describe("the identifiers a reconcile has seen", () => {
  it("counts each identifier once and removes only the unseen snapshot rows of the blueprint", async () => {
    const { db } = openTestDb();
    await writeSnapshotRows(db, "user", rows(["a", "b", "c", "d"]), stamp);
    await writeSnapshotRows(db, "team", rows(["a", "x"]), stamp);
    await startSeenIdentifiers(db);

    await addSeenIdentifiers(db, ["a", "c", "new"]);
    await addSeenIdentifiers(db, ["c", "a"]);
    await addSeenIdentifiers(db, []);

    expect(await countSeenIdentifiers(db)).toBe(3);
    expect(await forgetUnseenSnapshotRows(db, "user")).toBe(2);
    expect((await listSnapshotKeys(db, ["user", "team"])).map((row) => `${row.blueprint}/${row.identifier}`).sort()).toEqual(["team/a", "team/x", "user/a", "user/c"]);
  });

  it("starts empty each time, whatever an earlier reconcile left", async () => {
    const { db } = openTestDb();
    await startSeenIdentifiers(db);
    await addSeenIdentifiers(db, ["a"]);
    await startSeenIdentifiers(db);

    expect(await countSeenIdentifiers(db)).toBe(0);
    await dropSeenIdentifiers(db);
    await dropSeenIdentifiers(db);
  });
});
