import { describe, expect, it } from "vitest";
import { rewriteSingleQuotes } from "../../../src/transform/single-quotes";

describe("rewriteSingleQuotes", () => {
  it.each([
    { name: "a whole single-quoted literal", expression: "'incidentioUser'", expected: '"incidentioUser"' },
    { name: "literals after whitespace and before the end", expression: ".a // 'none'", expected: '.a // "none"' },
    { name: "an equality with a quoted value", expression: ".status == 'firing'", expected: '.status == "firing"' },
    { name: "a double-quoted literal, untouched", expression: '"incidentioUser"', expected: '"incidentioUser"' },
    { name: "a single-quoted literal wrapping double quotes, untouched", expression: `'"incidentioUser"'`, expected: `'"incidentioUser"'` },
    { name: "an apostrophe inside a double-quoted string, untouched", expression: '"it\'s"', expected: '"it\'s"' },
    { name: "a quote surrounded by spaces, untouched (as in Ocean)", expression: ".a + ' - ' + .b", expected: ".a + ' - ' + .b" },
    { name: "a literal glued to a parenthesis keeps that side", expression: "('x')", expected: "('x')" },
    { name: "an expression without quotes, untouched", expression: ".id | tostring", expected: ".id | tostring" },
  ])("rewrites $name", ({ expression, expected }) => {
    expect(rewriteSingleQuotes(expression)).toBe(expected);
  });
});
