import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import { upsertRawRecords } from "../../../db/queries/raw-records";
import { makeTempDir } from "../../helpers/temp-dir";

function tempPath(): string {
  return join(makeTempDir("checkpoints-"), "staging.sqlite");
}

function rows(from: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    kind: "/v2/alerts",
    parent_key: "",
    record_id: String(from + index).padStart(8, "0"),
    payload: JSON.stringify({ id: from + index, text: "x".repeat(2000) }),
    payload_hash: String(from + index),
    run_id: 1,
    fetched_at: "2026-01-01T00:00:00Z",
  }));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe("background checkpoints", () => {
  it("copy the WAL into the file from a worker while the writer's own connection never checkpoints", async () => {
    const path = tempPath();
    const opened = openDatabase(path, { backgroundCheckpoints: true });
    expect(opened.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const before = statSync(path).size;
    await opened.db.transaction().execute((trx) => upsertRawRecords(trx, rows(0, 2000)));
    // About 4 MB committed to the WAL: only the worker can move it into the database file.
    expect(await waitFor(() => statSync(path).size > before + 3_000_000, 10_000)).toBe(true);
    await opened.close();

    const reopened = openDatabase(path);
    expect(reopened.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    expect(reopened.sqlite.prepare("SELECT count(*) AS n FROM raw_records").get()).toEqual({ n: 2000 });
    await reopened.close();
  });

  it("keep the WAL from growing with what a long stage writes", async () => {
    const path = tempPath();
    const opened = openDatabase(path, { backgroundCheckpoints: true });
    for (let batch = 0; batch < 8; batch += 1) {
      await opened.db.transaction().execute((trx) => upsertRawRecords(trx, rows(batch * 1000, 1000)));
      const written = statSync(path).size;
      await waitFor(() => statSync(path).size > written, 5_000);
    }
    // 8 transactions of about 2 MB each; without checkpoints the WAL would hold them all.
    expect(statSync(`${path}-wal`).size).toBeLessThan(8_000_000);
    await opened.close();
  });

  it("are not started for an in-memory database", async () => {
    const opened = openDatabase(":memory:", { backgroundCheckpoints: true });
    expect(opened.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    await opened.close();
  });
});
