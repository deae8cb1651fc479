import { describe, expect, it } from "vitest";
import { redrawDelay } from "../../../src/cli/redraw-pace";

describe("redrawDelay", () => {
  it.each([
    { name: "the first change is drawn at once", now: 5_000, lastAt: undefined, expected: 0 },
    { name: "a change right after a draw waits for the whole interval", now: 1_000, lastAt: 1_000, expected: 250 },
    { name: "a change inside the interval waits for the rest of it", now: 1_100, lastAt: 1_000, expected: 150 },
    { name: "a change at the end of the interval is drawn at once", now: 1_250, lastAt: 1_000, expected: 0 },
    { name: "a change long after the last draw is drawn at once", now: 60_000, lastAt: 1_000, expected: 0 },
  ])("$name", ({ now, lastAt, expected }) => {
    expect(redrawDelay(now, lastAt, 250)).toBe(expected);
  });
});
