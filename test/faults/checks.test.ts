import { describe, expect, it } from "vitest";
import { diffCatalogs, findUnsafeDeletes, isCatalogExact, listRequestedDeletes, type CatalogEntity, type DeleteWindow, type LoggedWrite } from "./checks";

const entity = (identifier: string, over: Partial<CatalogEntity> = {}): CatalogEntity => ({
  blueprint: "incident",
  identifier,
  title: `Incident ${identifier}`,
  properties: { status: "live" },
  relations: { commander: "u1" },
  ...over,
});

describe("diffCatalogs", () => {
  it.each([
    { name: "the same entities in another order", actual: [entity("b"), entity("a")], expected: [entity("a"), entity("b")], diff: {} },
    { name: "a null field and an absent one", actual: [entity("a", { title: undefined })], expected: [{ ...entity("a"), title: null } as unknown as CatalogEntity], diff: {} },
    { name: "an entity Port lacks", actual: [entity("a")], expected: [entity("a"), entity("b")], diff: { missing: ["incident/b"] } },
    { name: "an entity nobody expects", actual: [entity("a"), entity("z", { title: "Other" })], expected: [entity("a")], diff: { extra: ["incident/z"] } },
    { name: "an expected entity under a second identifier", actual: [entity("a"), entity("a2", { title: "Incident a" })], expected: [entity("a")], diff: { duplicates: ["incident/a2"] } },
    { name: "the same key twice", actual: [entity("a"), entity("a")], expected: [entity("a")], diff: { duplicates: ["incident/a"] } },
    {
      name: "a placeholder where the full entity belongs",
      actual: [entity("a", { title: undefined, properties: {}, relations: {} })],
      expected: [entity("a")],
      diff: { different: [{ key: "incident/a", fields: ["title", "properties.status", "relations.commander"] }] },
    },
    { name: "the same identifier in another blueprint", actual: [entity("a", { blueprint: "user" })], expected: [entity("a")], diff: { missing: ["incident/a"], extra: ["user/a"] } },
  ])("reports $name", ({ actual, expected, diff }) => {
    const result = diffCatalogs(actual, expected);
    expect(result).toEqual({ missing: [], extra: [], duplicates: [], different: [], ...diff });
    expect(isCatalogExact(result)).toBe(Object.keys(diff).length === 0);
  });
});

describe("listRequestedDeletes", () => {
  it.each([
    { name: "a bulk delete names its entities", request: { method: "POST", path: "/v1/blueprints/incident/bulk/entities/delete", body: { entities: ["a", "b"] } }, keys: ["incident/a", "incident/b"] },
    { name: "a single delete names its entity", request: { method: "DELETE", path: "/v1/blueprints/incident/entities/a%2Fb" }, keys: ["incident/a/b"] },
    { name: "an upsert deletes nothing", request: { method: "POST", path: "/v1/blueprints/incident/entities/bulk", body: { entities: [{ identifier: "a" }] } }, keys: [] },
    { name: "a bulk delete without a body deletes nothing", request: { method: "POST", path: "/v1/blueprints/incident/bulk/entities/delete" }, keys: [] },
  ])("$name", ({ request, keys }) => {
    expect(listRequestedDeletes(request)).toEqual(keys);
  });
});

describe("findUnsafeDeletes", () => {
  const deleteOf = (identifiers: string[], blueprint = "incident") => ({ method: "POST", path: `/v1/blueprints/${blueprint}/bulk/entities/delete`, body: { entities: identifiers } });
  const write = (op: LoggedWrite["op"], identifier: string, blueprint = "follow_up"): LoggedWrite => ({ op, blueprint, identifier });
  // i1 and f1 still exist in the source; i9 and f9 were removed from it.
  const sourceExists = (_blueprint: string, identifier: string) => identifier.endsWith("1");
  const window = (over: Partial<DeleteWindow>): DeleteWindow => ({ requests: [], writes: [], sourceExists, loadFinished: true, refused: new Set(), ...over });

  it.each([
    { name: "a requested delete of a record the source still holds", over: { requests: [deleteOf(["i1", "i9"])] }, unsafe: [{ key: "incident/i1", reason: "requested" }] },
    { name: "…even when the load did not finish", over: { requests: [deleteOf(["i1"])], loadFinished: false }, unsafe: [{ key: "incident/i1", reason: "requested" }] },
    { name: "a requested delete of a removed record is fine", over: { requests: [deleteOf(["i9"])], writes: [write("delete", "i9", "incident")] }, unsafe: [] },
    {
      name: "a dependent Port deleted and the product sent again is fine",
      over: { requests: [deleteOf(["i9"])], writes: [write("delete", "i9", "incident"), write("delete", "f1"), write("placeholder", "i9", "incident"), write("upsert", "f1")] },
      unsafe: [],
    },
    {
      name: "a dependent Port deleted and nobody sent again",
      over: { requests: [deleteOf(["i9"])], writes: [write("upsert", "f1"), write("delete", "i9", "incident"), write("delete", "f1")] },
      unsafe: [{ key: "follow_up/f1", reason: "not-restored" }],
    },
    { name: "…unless the load stopped early (the next run restores it)", over: { requests: [deleteOf(["i9"])], writes: [write("delete", "f1")], loadFinished: false }, unsafe: [] },
    { name: "…or Port refused it again", over: { requests: [deleteOf(["i9"])], writes: [write("delete", "f1")], refused: new Set(["follow_up/f1"]) }, unsafe: [] },
    { name: "a dependent whose own record is gone need not come back", over: { requests: [deleteOf(["i9"])], writes: [write("delete", "f9")] }, unsafe: [] },
  ])("$name", ({ over, unsafe }) => {
    expect(findUnsafeDeletes(window(over))).toEqual(unsafe);
  });
});
