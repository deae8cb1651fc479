import { describe, expect, it } from "vitest";
import { dataPathKeys, sliceItemTexts } from "../../../src/extract/item-texts";

describe("sliceItemTexts", () => {
  it.each([
    { name: "the records under a key", text: '{"alerts":[{"id":"a"},{"id":"b"}],"pagination_meta":{"after":"b"}}', path: ["alerts"], expected: ['{"id":"a"}', '{"id":"b"}'] },
    { name: "a page that is the array", text: '[{"id":1},{"id":2}]', path: [], expected: ['{"id":1}', '{"id":2}'] },
    { name: "a nested path", text: '{"data":{"items":[{"id":1}]}}', path: ["data", "items"], expected: ['{"id":1}'] },
    { name: "an empty array", text: '{"alerts":[]}', path: ["alerts"], expected: [] },
    { name: "the last of duplicate keys, as JSON.parse keeps", text: '{"alerts":[{"id":1}],"alerts":[{"id":2}]}', path: ["alerts"], expected: ['{"id":2}'] },
    {
      name: "strings with escaped quotes, backslashes and brackets",
      text: '{"alerts":[{"t":"a \\"]}\\\\","u":"\\\\"},{"t":"é \\u00e9 ✓"}]}',
      path: ["alerts"],
      expected: ['{"t":"a \\"]}\\\\","u":"\\\\"}', '{"t":"é \\u00e9 ✓"}'],
    },
    { name: "numbers, literals and nesting", text: '{"a":[1.5e3,-2,true,false,null,[[]],{"b":{}}]}', path: ["a"], expected: ["1.5e3", "-2", "true", "false", "null", "[[]]", '{"b":{}}'] },
    { name: "key order around the array", text: '{"meta":{"alerts":[9]},"alerts":[1]}', path: ["alerts"], expected: ["1"] },
  ])("finds $name", ({ text, path, expected }) => {
    expect(sliceItemTexts(text, path)).toEqual(expected);
    // What it finds is what JSON.parse reads there.
    const parsed = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], JSON.parse(text));
    expect(expected.map((item) => JSON.parse(item) as unknown)).toEqual(parsed);
  });

  it("gives no text for a record with an escape in one of its keys, at any depth, so that its secret fields are found", () => {
    const text = '{"alerts":[{"id":1,"n":"a\\"b"},{"id":2,"x":{"secret\\u005ftoken":"s"}},{"id":3,"a\\\\b":1},{"id":4}]}';
    expect(sliceItemTexts(text, ["alerts"])).toEqual(['{"id":1,"n":"a\\"b"}', undefined, undefined, '{"id":4}']);
  });

  it.each([
    { name: "whitespace between tokens", text: '{"alerts": [{"id":1}]}', path: ["alerts"] },
    { name: "whitespace inside a record", text: '{"alerts":[{"id": 1}]}', path: ["alerts"] },
    { name: "a pretty-printed page", text: '{\n  "alerts": [\n    1\n  ]\n}', path: ["alerts"] },
    { name: "a missing key", text: '{"users":[]}', path: ["alerts"] },
    { name: "a key that is not an array", text: '{"alerts":{"id":1}}', path: ["alerts"] },
    { name: "a page that is not an object", text: "[1]", path: ["alerts"] },
    { name: "a key written with escapes", text: '{"\\u0061lerts":[1]}', path: ["alerts"] },
  ])("gives up on $name", ({ text, path }) => {
    expect(sliceItemTexts(text, path)).toBeUndefined();
  });

  it("gives up on records nested deeper than the call stack, rather than failing", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(sliceItemTexts(`{"alerts":[${deep}]}`, ["alerts"])).toBeUndefined();
  });
});

describe("dataPathKeys", () => {
  it.each([
    { dataPath: undefined, expected: [] },
    { dataPath: ".", expected: [] },
    { dataPath: ".alerts", expected: ["alerts"] },
    { dataPath: " .data.items ", expected: ["data", "items"] },
    { dataPath: ".alerts[]", expected: undefined },
    { dataPath: '.["alerts"]', expected: undefined },
    { dataPath: ".alerts | map(.)", expected: undefined },
  ])("reads $dataPath", ({ dataPath, expected }) => {
    expect(dataPathKeys(dataPath)).toEqual(expected);
  });
});
