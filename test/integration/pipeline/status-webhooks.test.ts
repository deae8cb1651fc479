import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import { countIgnoredEvent, insertWebhookEvent, markEventsApplied } from "../../../db/queries/webhook-inbox";
import { renderStatus, renderWebhookInbox } from "../../../src/cli/status-view";
import { readConfig } from "../../../src/config/read-config";
import { COMMANDS } from "../../../src/pipeline/commands";
import { readStatus, type WebhookInboxStatus } from "../../../src/pipeline/status";
import { startSyncWorld } from "../../helpers/sync-world";
import { makeTempDir } from "../../helpers/temp-dir";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("etl status and serve's webhook inbox", () => {
  it("reports the backlog, the oldest pending event's age and the last event's lag, in the view and in --json", async () => {
    const path = join(makeTempDir("etl-status-inbox-"), "etl.sqlite");
    const opened = openDatabase(path);
    const received = new Date(Date.now() - 30_000);
    const event = (n: number) => ({ webhookId: `msg_${n}`, eventType: "public_incident.incident_status_updated_v2", resource: "incident" as const, recordId: `I${n}`, deleted: false });
    await insertWebhookEvent(opened.db, event(1), received, new Date(received.getTime() - 2_000));
    await insertWebhookEvent(opened.db, event(2), received, received);
    await insertWebhookEvent(opened.db, event(3), received, received);
    await markEventsApplied(opened.db, ["msg_1"], new Date(received.getTime() - 500));
    await countIgnoredEvent(opened.db, "public_incident.action_created_v1", received);
    await opened.close();

    const config = readConfig({ env: { PATH: process.env["PATH"], ETL_DB: path }, flags: {}, cwd: ROOT }, COMMANDS.status.needs);
    const report = await readStatus(config, 5);
    expect(report.webhooks).toMatchObject({ pending: 2, applied: 1, ignored: 1, lastLagMs: 1_500, oldestPendingReceivedAt: received.toISOString() });
    expect(report.webhooks?.oldestPendingAgeMs).toBeGreaterThanOrEqual(30_000);
    expect(JSON.parse(JSON.stringify(report)).webhooks.pending).toBe(2);
    expect(renderStatus(report)).toMatch(/\nWebhook inbox: 2 pending, the oldest received .* \(3\d\.\d s ago\); last applied .*, 1\.5 s after it was received; 1 applied, 1 ignored/);
  });
});

describe("renderWebhookInbox", () => {
  const empty: WebhookInboxStatus = { pending: 0, oldestPendingReceivedAt: null, oldestPendingAgeMs: null, lastAppliedAt: null, lastLagMs: null, applied: 0, ignored: 0 };
  it.each([
    { name: "no event yet", inbox: empty, expected: "Webhook inbox: no events received yet (etl serve receives them)" },
    {
      name: "all applied",
      inbox: { ...empty, applied: 12, lastAppliedAt: "2026-12-07T10:00:00.000Z", lastLagMs: 420 },
      expected: "Webhook inbox: nothing pending; last applied 2026-12-07 10:00:00, 0.4 s after it was received; 12 applied, 0 ignored (event types serve does not apply)",
    },
    {
      name: "a backlog hours old",
      inbox: { ...empty, pending: 3, oldestPendingReceivedAt: "2026-12-07T07:00:00.000Z", oldestPendingAgeMs: 3 * 3_600_000, ignored: 2 },
      expected: "Webhook inbox: 3 pending, the oldest received 2026-12-07 07:00:00 (3.0 h ago); none applied yet; 0 applied, 2 ignored (event types serve does not apply)",
    },
  ])("$name", ({ inbox, expected }) => {
    expect(renderWebhookInbox(inbox).join("\n").replace(/\b(pnpm etl|incidentio-port-etl)\b/, "etl")).toBe(`\n${expected}`);
  });
});

describe("a run's summary and serve's webhook inbox", () => {
  it("carries the inbox's backlog once the staging file has received events, and says so in the text summary", async () => {
    const world = await startSyncWorld();
    const first = await world.cli(["run", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).not.toHaveProperty("webhooks");

    const opened = openDatabase(world.dbPath);
    const received = new Date();
    await insertWebhookEvent(opened.db, { webhookId: "msg_1", eventType: "public_incident.incident_updated_v2", resource: "incident", recordId: "I1", deleted: false }, received, received);
    await opened.close();
    const second = await world.cli(["run", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).webhooks).toMatchObject({ pending: 1, applied: 0, ignored: 0, oldestPendingReceivedAt: received.toISOString() });

    const third = await world.cli(["run"]);
    expect(third.stdout + third.stderr).toMatch(/Webhook inbox: 1 event waiting for serve/);
  }, 90_000);
});
