import { describe, expect, it } from "vitest";
import { printable } from "../../../src/cli/printable";

describe("printable", () => {
  it.each([
    { name: "plain text is unchanged", input: "incidentioUser/01HX é 🙂", output: "incidentioUser/01HX é 🙂" },
    { name: "an ANSI escape is shown, not sent", input: "\u001b[31mred", output: "\\u001b[31mred" },
    { name: "a newline cannot split a line", input: "a\nb\r", output: "a\\u000ab\\u000d" },
    { name: "C1 controls are shown too", input: "x\u009by", output: "x\\u009by" },
  ])("$name", ({ input, output }) => {
    expect(printable(input)).toBe(output);
  });
});
