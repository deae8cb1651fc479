import { describe, expect, it } from "vitest";
import { createInterruptHandler, decideSignal, DUPLICATE_WINDOW_MS } from "../../../src/cli/interrupts";

describe("decideSignal", () => {
  it.each<{ name: string; signal: NodeJS.Signals; firstAt: number | undefined; now: number; expected: ReturnType<typeof decideSignal> }>([
    { name: "the first SIGINT stops after the batch", signal: "SIGINT", firstAt: undefined, now: 1_000, expected: { type: "stop-after-batch" } },
    { name: "the first SIGTERM stops after the batch", signal: "SIGTERM", firstAt: undefined, now: 1_000, expected: { type: "stop-after-batch" } },
    { name: "the same Ctrl-C relayed by pnpm is ignored", signal: "SIGINT", firstAt: 1_000, now: 1_020, expected: { type: "ignore" } },
    { name: "a relay just inside the window is ignored", signal: "SIGTERM", firstAt: 1_000, now: 1_000 + DUPLICATE_WINDOW_MS - 1, expected: { type: "ignore" } },
    { name: "a second SIGINT stops now with 130", signal: "SIGINT", firstAt: 1_000, now: 1_000 + DUPLICATE_WINDOW_MS, expected: { type: "stop-now", exitCode: 130 } },
    { name: "a second SIGTERM stops now with 143", signal: "SIGTERM", firstAt: 1_000, now: 9_000, expected: { type: "stop-now", exitCode: 143 } },
  ])("$name", ({ signal, firstAt, now, expected }) => {
    expect(decideSignal(signal, firstAt, now)).toEqual(expected);
  });
});

describe("createInterruptHandler", () => {
  function harness() {
    const events: string[] = [];
    let now = 0;
    const handler = createInterruptHandler({
      abort: () => events.push("abort"),
      write: (text) => events.push(`write ${text.trim()}`),
      exit: (code) => {
        events.push(`exit ${code}`);
        throw new Error("exited");
      },
      now: () => now,
    });
    return { handler, events, advance: (ms: number) => (now += ms) };
  }

  it("aborts once for a signal delivered twice, and exits only on a later one after the cleanups ran", () => {
    const { handler, events, advance } = harness();
    handler.atForcedExit(() => events.push("release lock"));
    handler.onSignal("SIGINT");
    advance(5);
    handler.onSignal("SIGINT");
    expect(events).toEqual(["write SIGINT: finishing the current batch, then stopping (send again to stop at once)", "abort"]);
    advance(DUPLICATE_WINDOW_MS);
    expect(() => handler.onSignal("SIGTERM")).toThrow("exited");
    expect(events.slice(2)).toEqual([
      "release lock",
      "write SIGTERM again: stopped at once (the staging file's lock is released; the next run repairs what this one left)",
      "exit 143",
    ]);
  });

  it("runs no cleanup that was unregistered, and still exits when a cleanup throws", () => {
    const { handler, events, advance } = harness();
    const unregister = handler.atForcedExit(() => events.push("stale cleanup"));
    unregister();
    handler.atForcedExit(() => {
      throw new Error("database is closed");
    });
    handler.onSignal("SIGTERM");
    advance(DUPLICATE_WINDOW_MS + 1);
    expect(() => handler.onSignal("SIGINT")).toThrow("exited");
    expect(events).not.toContain("stale cleanup");
    expect(events).toContain("write SIGINT: could not release the staging file: database is closed");
    expect(events.at(-1)).toBe("exit 130");
  });
});
