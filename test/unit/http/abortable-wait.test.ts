import { describe, expect, it } from "vitest";
import { raceAbort, waitUnlessAborted } from "../../../src/http/abortable-wait";

describe("waitUnlessAborted", () => {
  it("runs its course without a signal", async () => {
    expect(await waitUnlessAborted(10, undefined)).toBe(true);
  });

  it("ends at once when the signal is already aborted", async () => {
    const started = Date.now();
    expect(await waitUnlessAborted(60_000, AbortSignal.abort())).toBe(false);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it("ends when the signal is aborted during the wait", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    expect(await waitUnlessAborted(60_000, controller.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("raceAbort", () => {
  it("says true when the work finishes first, and false when the signal comes first", async () => {
    const controller = new AbortController();
    expect(await raceAbort(Promise.resolve(), controller.signal)).toBe(true);
    const never = new Promise<void>(() => undefined);
    setTimeout(() => controller.abort(), 20);
    expect(await raceAbort(never, controller.signal)).toBe(false);
  });
});
