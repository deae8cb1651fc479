import { describe, expect, it } from "vitest";
import { listKnownRecordIds, readRawPayloads } from "../../../db/queries/discover-inputs";
import { countRawRecordsByKind } from "../../../db/queries/raw-records";
import { openTestDb } from "../../helpers/open-test-db";
import { seedRawRecords } from "../../helpers/transform-fixtures";

const ENTRIES = "/v3/catalog_entries?catalog_type_id={catalog_type_id}";

async function seed() {
  const { db } = openTestDb();
  await seedRawRecords(db, "/v2/users", Array.from({ length: 600 }, (_, i) => ({ id: `U${String(i).padStart(3, "0")}` })));
  await seedRawRecords(db, ENTRIES, [{ id: "E1" }, { id: "E2" }], { parentKey: "T1" });
  await seedRawRecords(db, ENTRIES, [{ id: "E3" }], { parentKey: "T2" });
  await seedRawRecords(db, ENTRIES, [{ id: "E2" }], { parentKey: "T3" });
  return db;
}

describe("discover's queries over raw_records", () => {
  it("finds which ids are records of a kind, under any parent key", async () => {
    const db = await seed();
    expect([...(await listKnownRecordIds(db, ENTRIES, ["E3", "E2", "U001", "nope"]))].sort()).toEqual(["E2", "E3"]);
  });

  it("looks up more ids than one statement holds", async () => {
    const db = await seed();
    const asked = [...Array.from({ length: 700 }, (_, i) => `U${String(i).padStart(3, "0")}`), "E1"];
    expect((await listKnownRecordIds(db, "/v2/users", asked)).size).toBe(600);
  });

  it("finds nothing in a kind without records", async () => {
    const db = await seed();
    expect((await listKnownRecordIds(db, "/v2/alerts", ["U001"])).size).toBe(0);
  });

  it("reads a kind's payloads a page at a time, in key order, until an empty page", async () => {
    const db = await seed();
    const first = await readRawPayloads(db, ENTRIES, undefined, 3);
    const rest = await readRawPayloads(db, ENTRIES, first.at(-1), 3);
    const end = await readRawPayloads(db, ENTRIES, rest.at(-1), 3);
    expect([first, rest, end].map((page) => page.map((row) => `${row.parent_key}/${row.record_id}`))).toEqual([["T1/E1", "T1/E2", "T2/E3"], ["T3/E2"], []]);
    expect(JSON.parse(first[0]?.payload ?? "null")).toEqual({ id: "E1" });
  });

  it("counts the records of each kind", async () => {
    const db = await seed();
    expect(Object.fromEntries(await countRawRecordsByKind(db))).toEqual({ "/v2/users": 600, [ENTRIES]: 4 });
  });
});
