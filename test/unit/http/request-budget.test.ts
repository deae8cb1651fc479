import { describe, expect, it } from "vitest";
import { createRequestBudget, reserveRequest, shapeBudget, type BudgetState } from "../../../src/http/request-budget";

describe("shapeBudget", () => {
  it.each([
    { rpm: 1200, burst: 20, perMinute: 1180 },
    { rpm: 60, burst: 1, perMinute: 59 },
    { rpm: 2, burst: 1, perMinute: 1 },
    { rpm: 600_000, burst: 10_000, perMinute: 590_000 },
  ])("never lets more than $rpm requests start in a minute", ({ rpm, burst, perMinute }) => {
    const shape = shapeBudget(rpm);
    expect(shape.burst).toBe(burst);
    expect(shape.refillPerMs * 60_000).toBeCloseTo(perMinute, 6);
    expect(shape.burst + shape.refillPerMs * 60_000).toBeLessThanOrEqual(rpm + 1e-9);
  });
});

describe("reserveRequest", () => {
  const shape = { burst: 2, refillPerMs: 0.01 }; // one token every 100 ms
  it.each<{ name: string; state: BudgetState; now: number; waitMs: number; tokens: number }>([
    { name: "starts at once while the burst lasts", state: { tokens: 2, updatedAt: 0 }, now: 0, waitMs: 0, tokens: 1 },
    { name: "starts at once on the last token", state: { tokens: 1, updatedAt: 0 }, now: 0, waitMs: 0, tokens: 0 },
    { name: "waits one interval when the bucket is empty", state: { tokens: 0, updatedAt: 0 }, now: 0, waitMs: 100, tokens: -1 },
    { name: "queues behind earlier reservations", state: { tokens: -3, updatedAt: 0 }, now: 0, waitMs: 400, tokens: -4 },
    { name: "refills for the time passed", state: { tokens: 0, updatedAt: 0 }, now: 150, waitMs: 0, tokens: 0.5 },
    { name: "never refills above the burst", state: { tokens: 0, updatedAt: 0 }, now: 60_000, waitMs: 0, tokens: 1 },
    { name: "ignores a clock that went backwards", state: { tokens: 0, updatedAt: 500 }, now: 100, waitMs: 100, tokens: -1 },
  ])("$name", ({ state, now, waitMs, tokens }) => {
    const reserved = reserveRequest(state, now, shape);
    expect(reserved.waitMs).toBe(waitMs);
    expect(reserved.state.tokens).toBeCloseTo(tokens, 9);
  });
});

describe("createRequestBudget", () => {
  it("paces requests beyond the burst at the configured rate", async () => {
    // 1,200 a minute: a burst of 20, then one start every ~51 ms.
    const budget = createRequestBudget({ requestsPerMinute: 1200 });
    const started = Date.now();
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        await budget.take();
        starts.push(Date.now() - started);
      }),
    );
    starts.sort((a, b) => a - b);
    expect(starts[19]).toBeLessThan(40);
    // The 24th start needs four refills of ~50.8 ms each.
    expect(starts[23]).toBeGreaterThanOrEqual(195);
    expect(starts[23]).toBeLessThan(1000);
  });

  it("waits through the injected sleep, computed from the injected clock", async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const budget = createRequestBudget({
      requestsPerMinute: 120,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    for (let i = 0; i < 4; i += 1) await budget.take();
    clock = 60_000;
    await budget.take();
    // burst 2, then 118 a minute: ~508 ms per start.
    expect(sleeps).toEqual([509, 1017]);
  });

  it("rejects a budget of zero requests", () => {
    expect(() => createRequestBudget({ requestsPerMinute: 0 })).toThrow(/must be positive/);
  });
});
