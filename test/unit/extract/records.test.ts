import { describe, expect, it } from "vitest";
import { dropFields, hashPayload, parseDropRules, toRawRow } from "../../../src/extract/records";

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
    { name: "no id", item: { name: "x" }, expected: `sha256:${hashPayload('{"name":"x"}')}` },
    { name: "an empty id", item: { id: "" }, expected: `sha256:${hashPayload('{"id":""}')}` },
    { name: "a non-object item", item: "text", expected: `sha256:${hashPayload('"text"')}` },
  ])("keys a record with $name", ({ item, expected }) => {
    expect(toRawRow(item, rules, undefined).record_id).toBe(expected);
  });

  it("hashes equal payloads equally and different payloads differently", () => {
    expect(toRawRow({ id: "1", a: 1 }, rules, undefined).payload_hash).toBe(toRawRow({ id: "1", a: 1 }, rules, undefined).payload_hash);
    expect(toRawRow({ id: "1", a: 1 }, rules, undefined).payload_hash).not.toBe(toRawRow({ id: "1", a: 2 }, rules, undefined).payload_hash);
  });
});
