import { describe, expect, it } from "vitest";
import { parseYamlText } from "../../../src/config/yaml-text";

const ALIAS_BOMB = [
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "resources: *e",
].join("\n");

describe("parseYamlText", () => {
  it.each([
    { name: "a mapping", text: "resources:\n  - kind: /v2/users\n", value: { resources: [{ kind: "/v2/users" }] } },
    { name: "an empty text", text: "", value: null },
    { name: "aliases within the library's budget", text: "a: &x {k: 1}\nb: *x\n", value: { a: { k: 1 }, b: { k: 1 } } },
  ])("reads $name", ({ text, value }) => {
    expect(parseYamlText(text, "m.yml")).toEqual({ ok: true, value });
  });

  it.each([
    { name: "tabs as indentation", text: "resources:\n\t- kind: x\n", issue: /^m\.yml: invalid YAML: Tabs are not allowed as indentation/ },
    { name: "an alias bomb", text: ALIAS_BOMB, issue: /^m\.yml: invalid YAML: Excessive alias count/ },
    { name: "an alias without its anchor", text: "a: *nowhere\n", issue: /^m\.yml: invalid YAML: Unresolved alias/ },
    { name: "an unclosed flow sequence", text: "resources: [a, b\n", issue: /^m\.yml: invalid YAML: / },
  ])("returns an issue rather than throwing for $name", ({ text, issue }) => {
    const parsed = parseYamlText(text, "m.yml");
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues[0]).toMatch(issue);
  });

  it("lists at most five parser errors, then how many more there are", () => {
    const parsed = parseYamlText(`resources: [${"[".repeat(1500)}${"]".repeat(1500)}]`, "m.yml");
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues;
    expect(issues.length).toBeLessThanOrEqual(6);
    expect(issues.at(-1)).toMatch(/^m\.yml: invalid YAML: \d+ more errors$/);
  });
});
