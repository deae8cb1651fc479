import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import { markSnapshotPending, writeSnapshotRows } from "../../../db/queries/snapshot-ledger";
import { openTestDb } from "../../helpers/open-test-db";

const STAMP = { runId: 2, at: "2026-01-01T00:00:00.000Z" };

async function stage(db: StagingDb, identifier: string, hash: string, recordId: string): Promise<void> {
  await db
    .insertInto("staged_entities")
    .values({ blueprint: "user", identifier, kind: "/v2/users", record_id: recordId, entity_json: "{}", hash, held_back_reason: null })
    .onConflict((conflict) => conflict.columns(["blueprint", "identifier"]).doUpdateSet({ hash, record_id: recordId }))
    .execute();
}

async function sources(db: StagingDb) {
  return db.selectFrom("port_snapshot").select(["identifier", "hash", "source_kind", "source_record_id"]).orderBy("identifier").execute();
}

describe("writeSnapshotRows: the source record", () => {
  it("records the staged entity's kind and record when Port confirms it", async () => {
    const { db } = openTestDb();
    await stage(db, "a", "h1", "r-a");
    await writeSnapshotRows(db, "user", [{ identifier: "a", entityJson: "{}", state: "confirmed", hash: "h1" }], STAMP);
    expect(await sources(db)).toEqual([{ identifier: "a", hash: "h1", source_kind: "/v2/users", source_record_id: "r-a" }]);
  });

  it("records it for a create marked pending, before Port answers", async () => {
    const { db } = openTestDb();
    await stage(db, "a", "h1", "r-a");
    await markSnapshotPending(db, "user", [{ identifier: "a", entityJson: "{}" }], STAMP);
    expect(await sources(db)).toEqual([{ identifier: "a", hash: null, source_kind: "/v2/users", source_record_id: "r-a" }]);
    expect(await db.selectFrom("port_snapshot").select("state").execute()).toEqual([{ state: "pending" }]);
  });

  it("follows the entity to the record that stages it now", async () => {
    const { db } = openTestDb();
    await stage(db, "a", "h1", "r-a");
    await writeSnapshotRows(db, "user", [{ identifier: "a", entityJson: "{}", state: "confirmed", hash: "h1" }], STAMP);
    await stage(db, "a", "h2", "r-b");
    await writeSnapshotRows(db, "user", [{ identifier: "a", entityJson: "{}", state: "confirmed", hash: "h2" }], STAMP);
    expect(await sources(db)).toEqual([{ identifier: "a", hash: "h2", source_kind: "/v2/users", source_record_id: "r-b" }]);
  });

  it("leaves the source of a row written from Port's copy (reconcile) as it was, and none for a new one", async () => {
    const { db } = openTestDb();
    await stage(db, "a", "h1", "r-a");
    await writeSnapshotRows(db, "user", [{ identifier: "a", entityJson: "{}", state: "confirmed", hash: "h1" }], STAMP);
    await writeSnapshotRows(
      db,
      "user",
      [
        { identifier: "a", entityJson: '{"edited":true}', state: "read-from-port", hash: "h-port" },
        { identifier: "z", entityJson: "{}", state: "read-from-port", hash: "h-port" },
      ],
      STAMP,
    );
    expect(await sources(db)).toEqual([
      { identifier: "a", hash: "h-port", source_kind: "/v2/users", source_record_id: "r-a" },
      { identifier: "z", hash: "h-port", source_kind: null, source_record_id: null },
    ]);
  });
});
