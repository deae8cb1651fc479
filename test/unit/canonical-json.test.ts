import { describe, expect, it } from "vitest";
import { hashCanonicalJson, toCanonicalJson } from "../../src/canonical-json";

describe("toCanonicalJson", () => {
  it.each([
    { name: "sorts keys", value: { b: 1, a: 2 }, expected: '{"a":2,"b":1}' },
    { name: "sorts keys at every depth", value: { z: { y: 1, x: [{ d: 1, c: 2 }] } }, expected: '{"z":{"x":[{"c":2,"d":1}],"y":1}}' },
    { name: "keeps array order", value: [3, 1, 2], expected: "[3,1,2]" },
    { name: "keeps nulls", value: { a: null }, expected: '{"a":null}' },
    { name: "drops undefined keys", value: { a: undefined, b: 1 }, expected: '{"b":1}' },
    { name: "escapes strings as JSON does", value: { "k\"ey": "line\nbreak" }, expected: '{"k\\"ey":"line\\nbreak"}' },
    { name: "orders keys by code unit, uppercase first", value: { b: 1, B: 2, a: 3 }, expected: '{"B":2,"a":3,"b":1}' },
    { name: "writes scalars alone", value: "text", expected: '"text"' },
  ])("$name", ({ value, expected }) => {
    expect(toCanonicalJson(value)).toBe(expected);
  });

  it("gives equal text for objects built in different key orders", () => {
    expect(toCanonicalJson({ identifier: "a", properties: { x: 1, y: 2 } })).toBe(toCanonicalJson({ properties: { y: 2, x: 1 }, identifier: "a" }));
  });
});

describe("hashCanonicalJson", () => {
  it("hashes with sha-256 in hex", () => {
    expect(hashCanonicalJson("{}")).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  });
});

describe("toCanonicalJson with array-index keys", () => {
  it.each([
    { name: "orders them as text, not as numbers", value: { "10": 1, "9": 2, a: 3 }, expected: '{"10":1,"9":2,"a":3}' },
    { name: "orders them inside nested objects too", value: { x: [{ "2": 0, "1": 0 }], b: { "01": 1, "1": 2 } }, expected: '{"b":{"01":1,"1":2},"x":[{"1":0,"2":0}]}' },
    { name: "drops undefined array items to null like JSON", value: { "1": [undefined] }, expected: '{"1":[null]}' },
  ])("$name", ({ value, expected }) => {
    expect(toCanonicalJson(value)).toBe(expected);
  });
});

describe("toCanonicalJson against JSON.stringify of a key-sorted copy", () => {
  // Rebuilding an object with sorted keys (what reconcile once did on its own) cannot order
  // array-index keys as text: V8 enumerates them first, in numeric order, whatever the insertion order.
  const sortedCopy = (value: Record<string, unknown>): string => JSON.stringify(Object.fromEntries(Object.keys(value).sort().map((key) => [key, value[key]])));

  it("orders integer-like keys as text where a sorted copy would put them in numeric order", () => {
    const value = { b: 1, "10": 2, "9": 3 };
    expect(sortedCopy(value)).toBe('{"9":3,"10":2,"b":1}');
    expect(toCanonicalJson(value)).toBe('{"10":2,"9":3,"b":1}');
  });

  it("agrees with a sorted copy when no key is integer-like", () => {
    const value = { b: 1, a: 2, "1a": 3 };
    expect(toCanonicalJson(value)).toBe(sortedCopy(value));
  });
});
