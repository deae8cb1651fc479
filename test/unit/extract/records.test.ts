import { describe, expect, it } from "vitest";
import { sliceItemTexts } from "../../../src/extract/item-texts";
import { dropFields, findRejectionReason, hashPayload, parseDropRules, toRawRow } from "../../../src/extract/records";

describe("dropFields", () => {
  it.each([
    {
      name: "removes a bare name at the top level",
      fields: ["secret_token"],
      record: { id: "1", secret_token: "s3cr3t", name: "a" },
      expected: { id: "1", name: "a" },
    },
    {
      name: "removes a bare name wherever it is nested",
      fields: ["secret_token"],
      record: { id: "1", options: { secret_token: "s" }, list: [{ secret_token: "t", keep: 1 }] },
      expected: { id: "1", options: {}, list: [{ keep: 1 }] },
    },
    {
      name: "removes a dot path only where it points",
      fields: ["email_options.email_address"],
      record: { email_options: { email_address: "x@y", redactions: [] }, email_address: "top" },
      expected: { email_options: { redactions: [] }, email_address: "top" },
    },
    {
      name: "follows a dot path through arrays element by element",
      fields: ["attributes.value"],
      record: { attributes: [{ value: 1, name: "a" }, { name: "b" }] },
      expected: { attributes: [{ name: "a" }, { name: "b" }] },
    },
    {
      name: "ignores a dot path that leads nowhere",
      fields: ["a.b.c"],
      record: { a: "text", b: null },
      expected: { a: "text", b: null },
    },
    { name: "leaves non-objects alone", fields: ["secret_token"], record: "plain", expected: "plain" },
  ])("$name", ({ fields, record, expected }) => {
    dropFields(record, parseDropRules(fields));
    expect(record).toEqual(expected);
  });
});

/** `{ wrap: { wrap: ... leaf } }` (or nested arrays), `depth` levels deep. */
function nest(depth: number, leaf: unknown, as: "objects" | "arrays"): unknown {
  let node = leaf;
  for (let level = 0; level < depth; level += 1) node = as === "objects" ? { wrap: node } : [node];
  return node;
}

describe("dropFields on deeply nested records", () => {
  it.each([
    { name: "objects", as: "objects" as const },
    { name: "arrays", as: "arrays" as const },
  ])("removes a bare name nested 10,000 levels deep in $name", ({ as }) => {
    const record = { id: "1", deep: nest(10_000, { secret_token: "s3cr3t", keep: 1 }, as) };
    dropFields(record, parseDropRules(["secret_token"]));
    let node: unknown = record.deep;
    while (node !== null && typeof node === "object" && !("keep" in node)) node = Array.isArray(node) ? node[0] : (node as { wrap: unknown }).wrap;
    expect(node).toEqual({ keep: 1 });
  });

  it("follows a dot path through 10,000 levels of nested arrays", () => {
    const record = { a: nest(10_000, { b: "s3cr3t", keep: 1 }, "arrays") };
    dropFields(record, parseDropRules(["a.b"]));
    let node: unknown = record.a;
    while (Array.isArray(node)) node = node[0];
    expect(node).toEqual({ keep: 1 });
  });
});

describe("toRawRow", () => {
  const rules = parseDropRules(["secret_token"]);

  it("drops secrets before serializing and hashing", () => {
    const row = toRawRow({ id: "01AS", secret_token: "sbx_123", name: "Datadog" }, rules, undefined);
    expect(row).toEqual({ record_id: "01AS", payload: '{"id":"01AS","name":"Datadog"}', payload_hash: hashPayload('{"id":"01AS","name":"Datadog"}') });
    expect(row.payload).not.toContain("sbx_123");
  });

  it("injects the parent value as a __name string", () => {
    const row = toRawRow({ id: "01CE", name: "Payments" }, rules, { name: "catalog_type_id", value: "01CT" });
    expect(JSON.parse(row.payload)).toEqual({ id: "01CE", name: "Payments", __catalog_type_id: "01CT" });
  });

  it.each([
    { name: "a string id", item: { id: "01H" }, expected: "01H" },
    { name: "a numeric id", item: { id: 42 }, expected: "42" },
  ])("keys a record with $name", ({ item, expected }) => {
    expect(toRawRow(item, rules, undefined).record_id).toBe(expected);
  });

  it("throws rather than keying an item findRejectionReason refuses by its hash", () => {
    expect(() => toRawRow({ name: "x" }, rules, undefined)).toThrow("cannot store the item as a record: the record has no id");
  });

  it("throws an error naming the record when it is nested too deeply to serialize", () => {
    expect(() => toRawRow({ id: "01DEEP", deep: nest(100_000, 1, "arrays") }, rules, undefined)).toThrow(/^record 01DEEP is nested too deeply to store/);
  });

  it.each([
    { name: "a secret nested in an array", item: { id: "1", a: [{ b: { secret_token: "s" } }] }, fields: ["secret_token"], expected: { id: "1", a: [{ b: {} }] } },
    { name: "a value that merely mentions the name", item: { id: "1", note: '"secret_token"' }, fields: ["secret_token"], expected: { id: "1", note: '"secret_token"' } },
    { name: "a name that needs escaping in JSON", item: { id: "1", 'we"ird\\': 1, keep: 2 }, fields: ['we"ird\\'], expected: { id: "1", keep: 2 } },
    { name: "a dot path's last key", item: { id: "1", a: { b: 1, c: 2 }, b: 3 }, fields: ["a.b"], expected: { id: "1", a: { c: 2 }, b: 3 } },
    { name: "no such field at all", item: { id: "1", a: 1 }, fields: ["secret_token", "x.y"], expected: { id: "1", a: 1 } },
    { name: "the id itself, while the record stays keyed by it", item: { id: "1", a: 1 }, fields: ["id"], expected: { a: 1 } },
  ])("removes $name, and only that", ({ item, fields, expected }) => {
    const row = toRawRow(structuredClone(item), parseDropRules(fields), undefined);
    expect(JSON.parse(row.payload)).toEqual(expected);
    expect(row.record_id).toBe("1");
  });

  it("keeps the injected parent value even when a rule names its field", () => {
    const row = toRawRow({ id: "01CE", __catalog_type_id: "forged", secret_token: "s" }, parseDropRules(["secret_token", "__catalog_type_id"]), {
      name: "catalog_type_id",
      value: "01CT",
    });
    expect(row.payload).toBe('{"id":"01CE","__catalog_type_id":"01CT"}');
  });

  describe("with the record's text as the API wrote it", () => {
    const parent = { name: "catalog_type_id", value: "01CT" };
    // What storing the text gives must be what serializing the parsed record gives, byte for byte.
    it.each([
      { name: "a plain record", text: '{"id":"1","a":[1,{"b":null}],"t":"é ✓"}', parent: undefined },
      { name: "a record with its parent value", text: '{"id":"1","a":1}', parent },
      { name: "a record of only an id with its parent value", text: '{"id":"1"}', parent },
      { name: "a record whose text mentions a secret field (serialized instead)", text: '{"id":"1","secret_token":"s"}', parent: undefined },
      { name: "a record forging the parent field (serialized instead)", text: '{"id":"1","__catalog_type_id":"forged"}', parent },
    ])("stores $name as serializing would", ({ text, parent: from }) => {
      const serialized = toRawRow(JSON.parse(text), rules, from);
      expect(toRawRow(JSON.parse(text), rules, from, text)).toEqual(serialized);
    });

    it("stores the text itself, escapes and all, when nothing is removed or added", () => {
      const text = '{"id":"1","note":"caf\\u00e9 \\/ \\"q\\""}';
      expect(toRawRow(JSON.parse(text), rules, undefined, text).payload).toBe(text);
    });

    it("never stores a secret written under an escaped key: such a record has no text, and is serialized", () => {
      const page = '{"alerts":[{"id":"1","secret\\u005ftoken":"s"}]}';
      const [text] = sliceItemTexts(page, ["alerts"]) ?? [];
      const item = (JSON.parse(page) as { alerts: unknown[] }).alerts[0];
      expect(toRawRow(item, rules, undefined, text).payload).toBe('{"id":"1"}');
    });
  });

  it("hashes equal payloads equally and different payloads differently", () => {
    expect(toRawRow({ id: "1", a: 1 }, rules, undefined).payload_hash).toBe(toRawRow({ id: "1", a: 1 }, rules, undefined).payload_hash);
    expect(toRawRow({ id: "1", a: 1 }, rules, undefined).payload_hash).not.toBe(toRawRow({ id: "1", a: 2 }, rules, undefined).payload_hash);
  });
});

describe("findRejectionReason", () => {
  it.each([
    { name: "an object with a string id", item: { id: "01H" }, expected: undefined },
    { name: "an object with a numeric id", item: { id: 0 }, expected: undefined },
    { name: "null", item: null, expected: "the item is null, not an object" },
    { name: "a string", item: "01H", expected: "the item is a string, not an object" },
    { name: "a number", item: 7, expected: "the item is a number, not an object" },
    { name: "an array", item: [{ id: "01H" }], expected: "the item is an array, not an object" },
    { name: "an object without id", item: { name: "x" }, expected: "the record has no id" },
    { name: "an object whose id is null", item: { id: null }, expected: "the record's id is null, not a string or a number" },
    { name: "an object whose id is empty", item: { id: "" }, expected: "the record's id is empty" },
    { name: "an object whose id is blank", item: { id: "  " }, expected: "the record's id is empty" },
    { name: "an object whose id is a boolean", item: { id: true }, expected: "the record's id is a boolean, not a string or a number" },
    { name: "an object whose id is an object", item: { id: { value: "01H" } }, expected: "the record's id is an object, not a string or a number" },
  ])("judges $name", ({ item, expected }) => {
    expect(findRejectionReason(item)).toBe(expected);
  });
});
