import { sql } from "kysely";
import type { WebhookInboxSummary } from "../../src/model/summary";
import type { WebhookEvent, WebhookResource } from "../../src/model/webhook";
import type { StagingDb } from "../database";

/** A verified event committed to the inbox and not yet applied. */
export interface PendingEvent extends WebhookEvent {
  /** When the receiver committed it (ISO with milliseconds). */
  readonly receivedAt: string;
  /** How many passes tried to apply it and failed. */
  readonly attempts: number;
}

export type InboxStatus = WebhookInboxSummary;

/**
 * Commits `event` as pending, unless an event with its webhook-id is already in the inbox (a Svix
 * redelivery of it, applied or not): then nothing changes and it is a "duplicate".
 */
export async function insertWebhookEvent(db: StagingDb, event: WebhookEvent, sentAt: Date, receivedAt: Date): Promise<"new" | "duplicate"> {
  const inserted = await db
    .insertInto("webhook_inbox")
    .values({
      webhook_id: event.webhookId,
      event_type: event.eventType,
      resource: event.resource,
      record_id: event.recordId,
      deleted: event.deleted ? 1 : 0,
      sent_at: sentAt.toISOString(),
      received_at: receivedAt.toISOString(),
      state: "pending",
    })
    .onConflict((oc) => oc.column("webhook_id").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? "new" : "duplicate";
}

/** Counts one verified event of a type serve does not apply. */
export async function countIgnoredEvent(db: StagingDb, eventType: string, at: Date): Promise<void> {
  const stamp = at.toISOString();
  await db
    .insertInto("webhook_ignored")
    .values({ event_type: eventType, count: 1, last_received_at: stamp })
    .onConflict((oc) => oc.column("event_type").doUpdateSet({ count: sql`count + 1`, last_received_at: stamp }))
    .execute();
}

/** Up to `limit` pending events, oldest received first. */
export async function listPendingEvents(db: StagingDb, limit: number): Promise<PendingEvent[]> {
  const rows = await db
    .selectFrom("webhook_inbox")
    .select(["webhook_id", "event_type", "resource", "record_id", "deleted", "received_at", "attempts"])
    .where("state", "=", "pending")
    .orderBy("received_at")
    .orderBy("webhook_id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    webhookId: row.webhook_id,
    eventType: row.event_type,
    // Only the receiver writes the column, from a WebhookEvent.
    resource: row.resource as WebhookResource,
    recordId: row.record_id,
    deleted: row.deleted === 1,
    receivedAt: row.received_at,
    attempts: row.attempts,
  }));
}

// The ids go in as one JSON array parameter: one statement, so any number of them is marked at once
// (SQLite caps bound parameters per statement).
const idIn = (webhookIds: readonly string[]) => sql<string>`(SELECT value FROM json_each(${JSON.stringify(webhookIds)}))`;

/** Marks the pending events among `webhookIds` applied at `appliedAt`. */
export async function markEventsApplied(db: StagingDb, webhookIds: readonly string[], appliedAt: Date): Promise<void> {
  if (webhookIds.length === 0) return;
  await db
    .updateTable("webhook_inbox")
    .set({ state: "applied", applied_at: appliedAt.toISOString() })
    .where("state", "=", "pending")
    .where("webhook_id", "in", idIn(webhookIds))
    .execute();
}

/**
 * Forgets the events applied before `before`; returns how many. Only a redelivery needs an applied
 * event remembered (to be a duplicate), and Svix stops redelivering 24 hours after the first attempt.
 */
export async function pruneAppliedEvents(db: StagingDb, before: Date): Promise<number> {
  const result = await db.deleteFrom("webhook_inbox").where("state", "=", "applied").where("applied_at", "<", before.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Records a failed attempt to apply the pending events among `webhookIds`; they stay pending. */
export async function recordApplyAttempt(db: StagingDb, webhookIds: readonly string[], error: string): Promise<void> {
  if (webhookIds.length === 0) return;
  await db
    .updateTable("webhook_inbox")
    .set({ attempts: sql`attempts + 1`, last_error: error })
    .where("state", "=", "pending")
    .where("webhook_id", "in", idIn(webhookIds))
    .execute();
}

/** The inbox's backlog and lag, for `status` and the run summary. */
export async function readInboxStatus(db: StagingDb): Promise<InboxStatus> {
  const counts = await db
    .selectFrom("webhook_inbox")
    .select([
      sql<number>`count(*) FILTER (WHERE state = 'pending')`.as("pending"),
      sql<number>`count(*) FILTER (WHERE state = 'applied')`.as("applied"),
      sql<string | null>`min(received_at) FILTER (WHERE state = 'pending')`.as("oldest_pending"),
    ])
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom("webhook_inbox")
    .select(["applied_at", "received_at"])
    .where("state", "=", "applied")
    .orderBy("applied_at", "desc")
    .orderBy("received_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const ignored = await db.selectFrom("webhook_ignored").select(sql<number>`coalesce(sum(count), 0)`.as("n")).executeTakeFirstOrThrow();
  const lastAppliedAt = last?.applied_at ?? null;
  return {
    pending: counts.pending,
    oldestPendingReceivedAt: counts.oldest_pending,
    lastAppliedAt,
    lastLagMs: last && lastAppliedAt ? Date.parse(lastAppliedAt) - Date.parse(last.received_at) : null,
    applied: counts.applied,
    ignored: ignored.n,
  };
}
