import { describe, expect, it } from "vitest";
import { decideReconcileReason } from "../../../src/load/reconcile-schedule";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000).toISOString();
const BASE = { requested: false, fullRefresh: false, everyHours: 24, binding: { lastReconciledAt: hoursAgo(1) }, snapshotRows: 100, now: NOW };

describe("decideReconcileReason", () => {
  it.each([
    { name: "a recent reconcile is not repeated", over: {}, expected: undefined },
    { name: "--reconcile always reconciles", over: { requested: true }, expected: "requested" },
    { name: "--full-refresh reconciles too", over: { fullRefresh: true }, expected: "full-refresh" },
    { name: "--full-refresh reconciles even with the schedule off", over: { fullRefresh: true, everyHours: 0 }, expected: "full-refresh" },
    { name: "a reconcile older than the interval is due", over: { binding: { lastReconciledAt: hoursAgo(25) } }, expected: "schedule" },
    { name: "exactly the interval is due", over: { binding: { lastReconciledAt: hoursAgo(24) } }, expected: "schedule" },
    { name: "0 hours turns the schedule off", over: { everyHours: 0, binding: { lastReconciledAt: hoursAgo(1000) } }, expected: undefined },
    { name: "a file that was never reconciled and holds entities is due", over: { binding: { lastReconciledAt: null } }, expected: "never-reconciled" },
    { name: "a file from before bindings that holds entities is due", over: { binding: undefined }, expected: "never-reconciled" },
    { name: "an unreadable timestamp counts as never", over: { binding: { lastReconciledAt: "yesterday" } }, expected: "never-reconciled" },
    { name: "nothing pushed yet: nothing can have drifted", over: { binding: undefined, snapshotRows: 0 }, expected: undefined },
    { name: "a fractional interval", over: { everyHours: 0.5, binding: { lastReconciledAt: hoursAgo(0.75) } }, expected: "schedule" },
  ])("$name", ({ over, expected }) => {
    expect(decideReconcileReason({ ...BASE, ...over })).toBe(expected);
  });
});
