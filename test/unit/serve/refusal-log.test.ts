import { describe, expect, it } from "vitest";
import { classOf, createRefusalLog } from "../../../src/serve/refusal-log";

describe("classOf", () => {
  it.each([
    { line: "webhook refused (401): no valid signature", expected: "webhook refused (401)" },
    { line: "webhook public_incident.action_created_v1 ignored: serve does not apply this event type", expected: "webhook public_incident.action_created_v1 ignored" },
    { line: "no colon at all", expected: "no colon at all" },
  ])("$expected", ({ line, expected }) => {
    expect(classOf(line)).toBe(expected);
  });
});

describe("createRefusalLog", () => {
  it("prints a class once a minute with the count of the lines it held back, and totals every class", () => {
    const printed: string[] = [];
    let clock = 0;
    const log = createRefusalLog((line) => printed.push(line), () => clock);
    for (let i = 0; i < 100; i++) log.line("webhook refused (401): no valid signature");
    log.line("webhook refused (413): the body is over 1048576 bytes");
    clock = 60_000;
    log.line("webhook refused (401): no valid signature");
    expect(printed).toEqual([
      "webhook refused (401): no valid signature",
      "webhook refused (413): the body is over 1048576 bytes",
      "webhook refused (401): no valid signature (and 99 more like it in the last minute)",
    ]);
    expect(log.totals()).toEqual([
      { class: "webhook refused (401)", count: 101 },
      { class: "webhook refused (413)", count: 1 },
    ]);
  });
});
