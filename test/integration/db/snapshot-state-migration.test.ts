import Sqlite from "better-sqlite3";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import { makeTempDir } from "../../helpers/temp-dir";

// The staging file of schema 0000 that upgrade.test.ts syncs; here a few of its snapshot rows are
// given the hash values that stood for the other states before migration 0002.
const FIXTURE = fileURLToPath(new URL("../../fixtures/staging/schema-0000.sqlite.gz", import.meta.url));

describe("migration 0002: the snapshot's state column", () => {
  it("backfills the state from the hash, which then holds only real hashes", async () => {
    const path = join(makeTempDir("etl-0002-"), "etl.sqlite");
    writeFileSync(path, gunzipSync(readFileSync(FIXTURE)), { mode: 0o600 });
    const old = new Sqlite(path);
    const [first, second, third] = old.prepare("SELECT blueprint, identifier, hash FROM port_snapshot ORDER BY blueprint, identifier LIMIT 3").all() as { blueprint: string; identifier: string; hash: string }[];
    if (!first || !second || !third) throw new Error("the fixture has fewer than 3 snapshot rows");
    const setHash = old.prepare("UPDATE port_snapshot SET hash = ? WHERE blueprint = ? AND identifier = ?");
    setHash.run("pending", second.blueprint, second.identifier);
    setHash.run("port:abc123", third.blueprint, third.identifier);
    const total = (old.prepare("SELECT count(*) AS n FROM port_snapshot").get() as { n: number }).n;
    old.close();

    const opened = openDatabase(path);
    try {
      const read = opened.sqlite.prepare("SELECT state, hash FROM port_snapshot WHERE blueprint = ? AND identifier = ?");
      expect([first, second, third].map((row) => read.get(row.blueprint, row.identifier))).toEqual([
        { state: "confirmed", hash: first.hash },
        { state: "pending", hash: null },
        { state: "read-from-port", hash: "abc123" },
      ]);
      expect(opened.sqlite.prepare("SELECT count(*) AS n FROM port_snapshot").get()).toEqual({ n: total });
      expect(() => opened.sqlite.prepare("UPDATE port_snapshot SET state = 'unknown' WHERE identifier = ?").run(first.identifier)).toThrow(/CHECK constraint failed/);
      expect(() => opened.sqlite.prepare("UPDATE port_snapshot SET hash = NULL WHERE identifier = ?").run(first.identifier)).toThrow(/CHECK constraint failed/);
    } finally {
      await opened.close();
    }
  });
});
