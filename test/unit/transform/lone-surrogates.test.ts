import { describe, expect, it } from "vitest";
import { replaceLoneSurrogates } from "../../../src/transform/lone-surrogates";

// A high surrogate code unit without a low one after it, or a low one without a high one before it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string of a JSON value, keys included. */
function listStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(listStrings);
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => [key, ...listStrings(inner)]);
  return [];
}

describe("replaceLoneSurrogates", () => {
  it.each([
    { name: "a lone high surrogate", text: String.raw`{"name":"x\u0000\ud800"}`, expected: String.raw`{"name":"x\u0000\ufffd"}` },
    { name: "a lone low surrogate", text: String.raw`"lone low \udfff"`, expected: String.raw`"lone low \ufffd"` },
    { name: "a high surrogate followed by a character, not a low escape", text: String.raw`"\ud800x"`, expected: String.raw`"\ufffdx"` },
    { name: "two high surrogates in a row", text: String.raw`"\uD800\uDBFF"`, expected: String.raw`"\ufffd\ufffd"` },
    { name: "a low then a high (reversed pair)", text: String.raw`"\udc00\ud800"`, expected: String.raw`"\ufffd\ufffd"` },
    { name: "a high surrogate at the end of a key", text: String.raw`{"k\ud800":1}`, expected: String.raw`{"k\ufffd":1}` },
    { name: "a valid pair, untouched", text: String.raw`"\ud83d\ude92"`, expected: String.raw`"\ud83d\ude92"` },
    { name: "a valid pair in upper case, untouched", text: String.raw`"\uD83D\uDE92"`, expected: String.raw`"\uD83D\uDE92"` },
    { name: "an escaped backslash before ud800 (the text \\ud800), untouched", text: String.raw`"\\ud800"`, expected: String.raw`"\\ud800"` },
    { name: "an escaped backslash, then a real lone escape", text: String.raw`"\\\ud800"`, expected: String.raw`"\\\ufffd"` },
    { name: "a valid pair after an escaped quote and a lone low", text: String.raw`"\"\udc00\ud83d\ude92"`, expected: String.raw`"\"\ufffd\ud83d\ude92"` },
    { name: "other escapes, untouched", text: String.raw`"\u003c\n\t\u00e9"`, expected: String.raw`"\u003c\n\t\u00e9"` },
    { name: "a text without escapes", text: '{"id":"S-1","name":"Primary"}', expected: '{"id":"S-1","name":"Primary"}' },
  ])("replaces $name", ({ text, expected }) => {
    const replaced = replaceLoneSurrogates(text);
    expect(replaced).toBe(expected);
    // The result is still JSON, and what it reads as holds no lone surrogate.
    expect(listStrings(JSON.parse(replaced) as unknown).filter((value) => LONE_SURROGATE.test(value))).toEqual([]);
  });

  it("returns the very same string when it holds no surrogate escape", () => {
    const text = `{"name":"${"a".repeat(1000)}\\u00e9"}`;
    expect(replaceLoneSurrogates(text)).toBe(text);
  });
});
