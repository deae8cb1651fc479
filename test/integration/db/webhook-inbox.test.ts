import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type OpenedDatabase } from "../../../db/database";
import {
  countIgnoredEvent,
  insertWebhookEvent,
  listPendingEvents,
  markEventsApplied,
  pruneAppliedEvents,
  readInboxStatus,
  recordApplyAttempt,
} from "../../../db/queries/webhook-inbox";
import type { WebhookEvent } from "../../../src/model/webhook";
import { makeTempDir } from "../../helpers/temp-dir";

const opened: OpenedDatabase[] = [];
afterEach(async () => {
  for (const one of opened.splice(0)) await one.close();
});

function openFile(): OpenedDatabase {
  const one = openDatabase(join(makeTempDir("webhook-inbox-"), "etl.sqlite"));
  opened.push(one);
  return one;
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second, 250));

function event(webhookId: string, overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return { webhookId, eventType: "public_incident.incident_updated_v2", resource: "incident", recordId: `rec-${webhookId}`, deleted: false, ...overrides };
}

describe("insertWebhookEvent", () => {
  it.each([
    { name: "a new id is stored pending", first: event("msg_1"), second: undefined, results: ["new"], rows: 1 },
    { name: "a redelivery of one id is a duplicate, stored once", first: event("msg_1"), second: event("msg_1"), results: ["new", "duplicate"], rows: 1 },
    {
      name: "a redelivery is a duplicate even when its body differs (the first one stays)",
      first: event("msg_1"),
      second: event("msg_1", { recordId: "other" }),
      results: ["new", "duplicate"],
      rows: 1,
    },
    { name: "two ids about one record are two events", first: event("msg_1"), second: event("msg_2", { recordId: "rec-msg_1" }), results: ["new", "new"], rows: 2 },
  ])("$name", async ({ first, second, results, rows }) => {
    const { db, sqlite } = openFile();
    const got = [await insertWebhookEvent(db, first, at(0), at(1))];
    if (second) got.push(await insertWebhookEvent(db, second, at(2), at(3)));
    expect(got).toEqual(results);
    expect(sqlite.prepare("SELECT count(*) AS n FROM webhook_inbox").get()).toEqual({ n: rows });
    expect(sqlite.prepare("SELECT * FROM webhook_inbox WHERE webhook_id = 'msg_1'").get()).toEqual({
      webhook_id: "msg_1",
      event_type: "public_incident.incident_updated_v2",
      resource: "incident",
      record_id: "rec-msg_1",
      deleted: 0,
      sent_at: "2026-01-01T12:00:00.250Z",
      received_at: "2026-01-01T12:00:01.250Z",
      state: "pending",
      applied_at: null,
      attempts: 0,
      last_error: null,
    });
  });

  it("keeps a schedule's deletion as deleted = 1", async () => {
    const { db } = openFile();
    await insertWebhookEvent(db, event("msg_d", { eventType: "schedule.deleted_v1", resource: "schedule", deleted: true }), at(0), at(0));
    expect(await listPendingEvents(db, 10)).toMatchObject([{ webhookId: "msg_d", resource: "schedule", deleted: true }]);
  });
});

describe("the drain's queries", () => {
  it("lists pending events oldest first up to the limit, and marks applied or records attempts only on pending ones", async () => {
    const { db } = openFile();
    await insertWebhookEvent(db, event("msg_c"), at(0), at(30));
    await insertWebhookEvent(db, event("msg_a"), at(0), at(10));
    await insertWebhookEvent(db, event("msg_b"), at(0), at(20));
    await insertWebhookEvent(db, event("msg_d"), at(0), at(10));

    expect((await listPendingEvents(db, 3)).map((e) => e.webhookId)).toEqual(["msg_a", "msg_d", "msg_b"]);

    await recordApplyAttempt(db, ["msg_a", "msg_b"], "Port answered 503");
    await recordApplyAttempt(db, ["msg_a"], "Incident.io answered 429");
    await markEventsApplied(db, ["msg_b", "msg_d", "msg_unknown"], at(40));
    // Applied events are not counted as failed afterwards, nor re-applied with a later time.
    await recordApplyAttempt(db, ["msg_b"], "late");
    await markEventsApplied(db, ["msg_b"], at(50));
    await markEventsApplied(db, [], at(50));
    await recordApplyAttempt(db, [], "nothing");

    expect(await listPendingEvents(db, 10)).toEqual([
      { ...event("msg_a"), receivedAt: "2026-01-01T12:00:10.250Z", attempts: 2 },
      { ...event("msg_c"), receivedAt: "2026-01-01T12:00:30.250Z", attempts: 0 },
    ]);
    const rows = await db.selectFrom("webhook_inbox").select(["webhook_id", "state", "applied_at", "attempts", "last_error"]).orderBy("webhook_id").execute();
    expect(rows).toEqual([
      { webhook_id: "msg_a", state: "pending", applied_at: null, attempts: 2, last_error: "Incident.io answered 429" },
      { webhook_id: "msg_b", state: "applied", applied_at: "2026-01-01T12:00:40.250Z", attempts: 1, last_error: "Port answered 503" },
      { webhook_id: "msg_c", state: "pending", applied_at: null, attempts: 0, last_error: null },
      { webhook_id: "msg_d", state: "applied", applied_at: "2026-01-01T12:00:40.250Z", attempts: 0, last_error: null },
    ]);
  });

  it("prunes applied events older than a moment, never pending ones", async () => {
    const { db } = openFile();
    for (const id of ["old", "new", "waiting"]) await insertWebhookEvent(db, event(id), at(0), at(0));
    await markEventsApplied(db, ["old"], at(1));
    await markEventsApplied(db, ["new"], at(3));

    expect(await pruneAppliedEvents(db, at(2))).toBe(1);
    expect((await listPendingEvents(db, 10)).map((pending) => pending.webhookId)).toEqual(["waiting"]);
    expect(await readInboxStatus(db)).toMatchObject({ applied: 1, pending: 1 });
    // Pruned, the old event's id is new again: a redelivery that late would be applied once more, harmlessly.
    expect(await insertWebhookEvent(db, event("old"), at(4), at(4))).toBe("new");
  });

  it("marks thousands of ids in one statement", async () => {
    const { db, sqlite } = openFile();
    const ids = Array.from({ length: 40_000 }, (_, i) => `msg_${i}`);
    const insert = sqlite.prepare("INSERT INTO webhook_inbox (webhook_id, event_type, resource, record_id, deleted, sent_at, received_at, state) VALUES (?, 't', 'incident', ?, 0, 's', 'r', 'pending')");
    sqlite.transaction(() => ids.forEach((id) => insert.run(id, id)))();
    await markEventsApplied(db, ids, at(0));
    expect(sqlite.prepare("SELECT count(*) AS n FROM webhook_inbox WHERE state = 'applied'").get()).toEqual({ n: 40_000 });
  });
});

describe("readInboxStatus", () => {
  it.each([
    { name: "an empty inbox", setup: async () => {}, status: { pending: 0, oldestPendingReceivedAt: null, lastAppliedAt: null, lastLagMs: null, applied: 0, ignored: 0 } },
    {
      name: "pending, applied and ignored events",
      setup: async (db: OpenedDatabase["db"]) => {
        await insertWebhookEvent(db, event("msg_1"), at(0), at(1));
        await insertWebhookEvent(db, event("msg_2"), at(0), at(2));
        await insertWebhookEvent(db, event("msg_3"), at(0), at(3));
        await insertWebhookEvent(db, event("msg_4"), at(0), at(4));
        await markEventsApplied(db, ["msg_1"], at(5));
        await markEventsApplied(db, ["msg_2"], at(9));
        await countIgnoredEvent(db, "public_incident.action_created_v1", at(6));
        await countIgnoredEvent(db, "public_incident.action_created_v1", at(7));
        await countIgnoredEvent(db, "private_incident.action_updated_v1", at(8));
      },
      status: { pending: 2, oldestPendingReceivedAt: "2026-01-01T12:00:03.250Z", lastAppliedAt: "2026-01-01T12:00:09.250Z", lastLagMs: 7_000, applied: 2, ignored: 3 },
    },
  ])("$name", async ({ setup, status }) => {
    const { db } = openFile();
    await setup(db);
    expect(await readInboxStatus(db)).toEqual(status);
  });
});

describe("countIgnoredEvent", () => {
  it("counts per type and keeps the last time one arrived", async () => {
    const { db } = openFile();
    await countIgnoredEvent(db, "a", at(1));
    await countIgnoredEvent(db, "a", at(2));
    await countIgnoredEvent(db, "b", at(3));
    expect(await db.selectFrom("webhook_ignored").selectAll().orderBy("event_type").execute()).toEqual([
      { event_type: "a", count: 2, last_received_at: "2026-01-01T12:00:02.250Z" },
      { event_type: "b", count: 1, last_received_at: "2026-01-01T12:00:03.250Z" },
    ]);
  });
});
