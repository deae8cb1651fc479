import { describe, expect, it } from "vitest";
import {
  diffCatalogs,
  findUnkeptEntities,
  findUnsafeDeletes,
  isCatalogExact,
  isPagingFaultServed,
  listRequestedDeletes,
  type CatalogEntity,
  type DeleteWindow,
  type LoggedPageRequest,
  type LoggedWrite,
} from "./checks";

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

describe("findUnkeptEntities", () => {
  const held = (entities: CatalogEntity[]) => (blueprint: string, identifier: string) => entities.find((e) => e.blueprint === blueprint && e.identifier === identifier);

  it.each([
    { name: "an entity Port holds exactly as last pushed is kept", kept: [entity("a")], port: [entity("a"), entity("b")], violations: [] },
    { name: "a null field and an absent one are the same", kept: [entity("a")], port: [entity("a", { icon: null } as unknown as Partial<CatalogEntity>)], violations: [] },
    { name: "an entity Port no longer holds was deleted", kept: [entity("a")], port: [entity("b")], violations: [{ key: "incident/a", reason: "deleted", fields: [] }] },
    {
      name: "an entity updated since (a newer or an older version) was changed",
      kept: [entity("a")],
      port: [entity("a", { title: "Incident a (s1r2m0)", properties: { status: "closed" } })],
      violations: [{ key: "incident/a", reason: "changed", fields: ["title", "properties.status"] }],
    },
    {
      name: "a placeholder where the entity was is a change",
      kept: [entity("a")],
      port: [entity("a", { title: undefined, properties: {}, relations: {} })],
      violations: [{ key: "incident/a", reason: "changed", fields: ["title", "properties.status", "relations.commander"] }],
    },
    { name: "nothing to keep, nothing to find", kept: [], port: [], violations: [] },
  ])("$name", ({ kept, port, violations }) => {
    expect(findUnkeptEntities(kept, held(port))).toEqual(violations);
  });
});

describe("isPagingFaultServed", () => {
  const ALERTS = "/v2/alerts";
  const page = (after?: string, status = 200, path = ALERTS): LoggedPageRequest => ({ path, status, query: { page_size: "50", ...(after === undefined ? {} : { after }) } });

  it.each([
    { name: "a repeated cursor once a later page was asked for", fault: "repeated-cursor", requests: [page(), page("A")], served: true },
    { name: "no repeated cursor while only the first page was asked for", fault: "repeated-cursor", requests: [page(), page(undefined, 500)], served: false },
    { name: "no repeated cursor when the later page failed (another fault)", fault: "repeated-cursor", requests: [page(), page("A", 503)], served: false },
    { name: "no repeated cursor from another list", fault: "repeated-cursor", requests: [page(), page("A", 200, "/v2/users")], served: false },
    { name: "a cycle once a third page was asked for", fault: "cursor-cycle", requests: [page(), page("A"), page("B")], served: true },
    { name: "no cycle from the second page asked for twice (a retry)", fault: "cursor-cycle", requests: [page(), page("A", 502), page("A")], served: false },
    { name: "endless cursors once one of theirs was followed", fault: "endless-cursor", requests: [page(), page("endless-1")], served: true },
    { name: "no endless cursors when an empty first page ended the list", fault: "endless-cursor", requests: [page()], served: false },
    { name: "no endless cursors from the list's own cursors", fault: "endless-cursor", requests: [page(), page("01HXYZ")], served: false },
  ] as const)("$name", ({ fault, requests, served }) => {
    expect(isPagingFaultServed(fault, ALERTS, requests)).toBe(served);
  });
});
