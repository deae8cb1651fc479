import { describe, expect, it } from "vitest";
import { listAlertsLeftOpen } from "../../../db/queries/open-alerts";
import { upsertRawRecords } from "../../../db/queries/raw-records";
import { openTestDb } from "../../helpers/open-test-db";

const ALERTS = "/v2/alerts";

function deeplyNested(levels: number): unknown {
  let nested: unknown = { status: "firing" };
  for (let level = 0; level < levels; level += 1) nested = { level: nested };
  return nested;
}

describe("listAlertsLeftOpen", () => {
  it("lists the alerts stored open by earlier runs only, up to the limit, and is not stopped by a payload SQLite cannot parse", async () => {
    const { db } = openTestDb();
    const row = (id: string, runId: number, record: Record<string, unknown>, kind = ALERTS) => {
      const payload = JSON.stringify({ id, ...record });
      return { kind, parent_key: "", record_id: id, payload, payload_hash: id, run_id: runId, fetched_at: "2025-03-10T00:00:00Z" };
    };
    await upsertRawRecords(db, [
      row("a-firing", 1, { status: "firing" }),
      row("b-resolved", 1, { status: "resolved" }),
      row("c-unknown-status", 1, { status: "acknowledged" }),
      row("d-listed-open-this-run", 2, { status: "firing" }),
      row("e-no-status", 1, {}),
      row("f-too-deep", 1, { status: "firing", nested: deeplyNested(1_000) }),
      row("g-other-kind", 1, { status: "firing" }, "/v2/incidents"),
      row("h-firing", 1, { status: "firing" }),
    ]);
    expect(await listAlertsLeftOpen(db, ALERTS, 2, 10)).toEqual(["a-firing", "c-unknown-status", "h-firing"]);
    expect(await listAlertsLeftOpen(db, ALERTS, 2, 2)).toEqual(["a-firing", "c-unknown-status"]);
  });
});
