import { describe, expect, it } from "vitest";
import { classifyRepeatedWrites, findOutOfOrderRecords, planCrashes } from "./webhook-crash-checks";

describe("planCrashes", () => {
  it("plans 3 or 4 kills, each 150 ms to 1.2 s after serve is ready, for every seed", () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const { killAfterReadyMs } = planCrashes(seed);
      expect(killAfterReadyMs.length).toBeGreaterThanOrEqual(3);
      expect(killAfterReadyMs.length).toBeLessThanOrEqual(4);
      for (const ms of killAfterReadyMs) expect(ms >= 150 && ms <= 1200 && Number.isInteger(ms)).toBe(true);
    }
  });

  it("replays the same plan for the same seed", () => {
    expect(planCrashes(7)).toEqual(planCrashes(7));
  });
});

describe("classifyRepeatedWrites", () => {
  const write = (key: string, content: string, at: number) => ({ key, content, at });
  it.each([
    { name: "a change written once is no repeat", writes: [write("a/1", "x", 10), write("a/1", "y", 20)], kills: [], crashWindow: 0, twice: 0 },
    { name: "the same content again with no kill between was applied twice", writes: [write("a/1", "x", 10), write("a/1", "x", 20)], kills: [], crashWindow: 0, twice: 1 },
    { name: "the same content again across a kill is the crash window", writes: [write("a/1", "x", 10), write("a/1", "x", 20)], kills: [15], crashWindow: 1, twice: 0 },
    { name: "a kill before both writes does not excuse the repeat", writes: [write("a/1", "x", 10), write("a/1", "x", 20)], kills: [5], crashWindow: 0, twice: 1 },
    { name: "two entities with the same content are not repeats of each other", writes: [write("a/1", "x", 10), write("a/2", "x", 20)], kills: [], crashWindow: 0, twice: 0 },
    { name: "returning to an earlier content is a new change", writes: [write("a/1", "x", 10), write("a/1", "y", 20), write("a/1", "x", 30)], kills: [], crashWindow: 0, twice: 0 },
  ])("$name", ({ writes, kills, crashWindow, twice }) => {
    const result = classifyRepeatedWrites(writes, kills);
    expect([result.crashWindow.length, result.twice.length]).toEqual([crashWindow, twice]);
  });
});

describe("findOutOfOrderRecords", () => {
  it.each([
    { name: "in-order deliveries", deliveries: [{ record: "incident/1", madeAt: 1, deliveredAt: 2 }, { record: "incident/1", madeAt: 3, deliveredAt: 4 }], expected: [] },
    { name: "an older event delivered after a newer one", deliveries: [{ record: "incident/1", madeAt: 1, deliveredAt: 9 }, { record: "incident/1", madeAt: 3, deliveredAt: 4 }], expected: ["incident/1"] },
    { name: "late deliveries of different records", deliveries: [{ record: "incident/1", madeAt: 1, deliveredAt: 9 }, { record: "alert/2", madeAt: 3, deliveredAt: 4 }], expected: [] },
  ])("$name", ({ deliveries, expected }) => {
    expect(findOutOfOrderRecords(deliveries)).toEqual(expected);
  });
});
