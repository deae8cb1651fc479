import { describe, expect, it } from "vitest";
import type { PendingEvent } from "../../../db/queries/webhook-inbox";
import type { AppliedOutcome, WebhookResource } from "../../../src/model/webhook";
import { coalesceEvents, measureLag, retryDelayMs, selectDueEvents, settlePass } from "../../../src/serve/drain-plan";

let sequence = 0;
function event(resource: WebhookResource, recordId: string, options: { deleted?: boolean; attempts?: number; receivedAt?: string } = {}): PendingEvent {
  sequence += 1;
  return {
    webhookId: `msg_${sequence}`,
    eventType: `${resource}.event`,
    resource,
    recordId,
    deleted: options.deleted ?? false,
    receivedAt: options.receivedAt ?? "2026-01-01T00:00:00.000Z",
    attempts: options.attempts ?? 0,
  };
}

describe("coalesceEvents", () => {
  it.each([
    {
      name: "one record per resource and id, in the order of its oldest event",
      events: [event("incident", "I1"), event("alert", "A1"), event("incident", "I1"), event("incident", "I2")],
      records: [
        { resource: "incident", recordId: "I1", deleted: false },
        { resource: "alert", recordId: "A1", deleted: false },
        { resource: "incident", recordId: "I2", deleted: false },
      ],
    },
    {
      name: "deleted when any of its events says so, whichever came first",
      events: [event("schedule", "S1"), event("schedule", "S1", { deleted: true }), event("schedule", "S1")],
      records: [{ resource: "schedule", recordId: "S1", deleted: true }],
    },
    {
      name: "the same id under two resources is two records",
      events: [event("incident", "X"), event("follow_up", "X")],
      records: [
        { resource: "incident", recordId: "X", deleted: false },
        { resource: "follow_up", recordId: "X", deleted: false },
      ],
    },
    { name: "nothing pending is nothing to apply", events: [], records: [] },
  ])("$name", ({ events, records }) => {
    const pass = coalesceEvents(events);
    expect(pass.records).toEqual(records);
    expect([...pass.eventsOf.values()].flat().length).toBe(events.length);
  });
});

describe("settlePass", () => {
  const outcome = (state: AppliedOutcome["state"], writes = 1): AppliedOutcome =>
    state === "retry" ? { state, error: "GET /v2/incidents/I2: 503" } : state === "not-mapped" ? { state } : { state, writes };

  it("marks the events of applied, deleted and not-mapped records done, and keeps those to retry pending", () => {
    const events = [event("incident", "I1"), event("incident", "I1"), event("incident", "I2"), event("schedule", "S1", { deleted: true }), event("follow_up", "F1")];
    const pass = coalesceEvents(events);
    const [i1, i2, s1, f1] = pass.records;
    const settled = settlePass(pass, [
      { record: i1!, outcome: outcome("applied", 2) },
      { record: i2!, outcome: outcome("retry") },
      { record: s1!, outcome: outcome("deleted", 1) },
      { record: f1!, outcome: outcome("not-mapped") },
    ]);
    expect(settled.done.map((e) => e.webhookId).sort()).toEqual([events[0], events[1], events[3], events[4]].map((e) => e!.webhookId).sort());
    expect(settled.retry.map((r) => [r.record.recordId, r.events.length, r.error])).toEqual([["I2", 1, "GET /v2/incidents/I2: 503"]]);
    expect([settled.writes, settled.applied, settled.deleted, settled.notMapped]).toEqual([3, 1, 1, 1]);
  });

  it("leaves the events of a record the applier did not reach (stopped by SIGTERM) untouched", () => {
    const pass = coalesceEvents([event("incident", "I1"), event("incident", "I2")]);
    const settled = settlePass(pass, [{ record: pass.records[0]!, outcome: outcome("applied") }]);
    expect(settled.done.map((e) => e.recordId)).toEqual(["I1"]);
    expect(settled.retry).toEqual([]);
  });
});

describe("retryDelayMs", () => {
  it.each([
    { attempts: 0, expected: 0 },
    { attempts: 1, expected: 1_000 },
    { attempts: 2, expected: 2_000 },
    { attempts: 5, expected: 16_000 },
    { attempts: 9, expected: 256_000 },
    { attempts: 10, expected: 300_000 },
    { attempts: 10_000, expected: 300_000 },
  ])("waits $expected ms after $attempts failed attempts", ({ attempts, expected }) => {
    expect(retryDelayMs(attempts)).toBe(expected);
  });
});

describe("selectDueEvents", () => {
  it("skips the events of records waiting out a retry delay, and takes the rest", () => {
    const events = [event("incident", "I1"), event("incident", "I2"), event("alert", "A1")];
    const due = selectDueEvents(events, new Map([["incident:I1", 2_000], ["alert:A1", 1_000]]), 1_500);
    expect(due.map((e) => e.recordId)).toEqual(["I2", "A1"]);
  });
});

describe("measureLag", () => {
  it("gives the mean and longest receipt-to-applied time", () => {
    const at = Date.parse("2026-01-01T00:00:02.000Z");
    const lag = measureLag([{ receivedAt: "2026-01-01T00:00:01.000Z" }, { receivedAt: "2026-01-01T00:00:01.500Z" }], at);
    expect(lag).toEqual({ meanMs: 750, maxMs: 1_000 });
  });

  it("has none when nothing was applied", () => {
    expect(measureLag([], 0)).toBeUndefined();
  });
});
