import { describe, expect, it } from "vitest";
import { hashCanonicalJson, toCanonicalJson } from "../../../src/canonical-json";
import { decideReconcile, decideSearchPageBound, decideSearchStep, isSameEntity } from "../../../src/load/reconcile";

const ours = { identifier: "i1", blueprint: "incident", title: "Outage", properties: { status: "open", at: "2024-05-01T10:00:00Z" }, relations: { commander: "u1" } };
// A snapshot row: confirmed with `hash`, or pending (null).
const row = (entity: unknown, hash: string | null) => ({ identifier: "i1", entityJson: toCanonicalJson(entity), state: hash === null ? ("pending" as const) : ("confirmed" as const), hash });

describe("isSameEntity", () => {
  it.each([
    { name: "the same entity", theirs: { ...ours }, expected: true },
    { name: "a null property Port leaves out", theirs: { ...ours, properties: { ...ours.properties, extra: null } }, expected: true },
    { name: "a date-time Port writes with milliseconds", theirs: { ...ours, properties: { ...ours.properties, at: "2024-05-01T10:00:00.000Z" } }, expected: true },
    { name: "a single relation Port returns as a one-item list", theirs: { ...ours, relations: { commander: ["u1"] } }, expected: true },
    { name: "an empty relation list Port leaves out", theirs: { ...ours, relations: { ...ours.relations, followers: [] } }, expected: true },
    { name: "an icon Port fills in when we set none", theirs: { ...ours, icon: "Alert" }, expected: true },
    { name: "a title edited in Port", theirs: { ...ours, title: "Edited" }, expected: false },
    { name: "a property edited in Port", theirs: { ...ours, properties: { ...ours.properties, status: "closed" } }, expected: false },
    { name: "a property added in Port", theirs: { ...ours, properties: { ...ours.properties, note: "by hand" } }, expected: false },
    { name: "a relation changed in Port", theirs: { ...ours, relations: { commander: "u2" } }, expected: false },
  ])("$name → $expected", ({ theirs, expected }) => {
    expect(isSameEntity(ours, theirs)).toBe(expected);
  });

  it("compares many-relations as sets", () => {
    expect(isSameEntity({ relations: { owners: ["a", "b"] } }, { relations: { owners: ["b", "a"] } })).toBe(true);
  });
});

describe("decideReconcile", () => {
  const staged = { entityJson: toCanonicalJson(ours), hash: "h-staged" };
  const edited = { ...ours, title: "Edited by hand" };

  it.each([
    { name: "keeps a snapshot that matches Port and the staged entity", port: ours, snapshot: row(ours, "h-staged"), staged, expected: { type: "keep" } },
    {
      name: "adopts the staged hash when Port holds the staged entity the snapshot did not know",
      port: ours,
      snapshot: undefined,
      staged,
      expected: { type: "write", row: { identifier: "i1", entityJson: staged.entityJson, state: "confirmed", hash: "h-staged" } },
    },
    {
      name: "confirms a create left pending by a crash once Port holds it",
      port: ours,
      snapshot: row(ours, null),
      staged,
      expected: { type: "write", row: { identifier: "i1", entityJson: staged.entityJson, state: "confirmed", hash: "h-staged" } },
    },
    { name: "keeps the snapshot of a pending update (Port still holds the old version)", port: { ...ours, title: "Old" }, snapshot: row({ ...ours, title: "Old" }, "h-old"), staged, expected: { type: "keep" } },
    { name: "ignores an entity someone else made under our blueprint", port: edited, snapshot: undefined, staged: undefined, expected: { type: "ignore" } },
  ])("$name", ({ port, snapshot, staged: stagedRow, expected }) => {
    expect(decideReconcile(port, snapshot, stagedRow)).toEqual(expected);
  });

  it.each([
    { name: "an entity edited in Port by hand", snapshot: row(ours, "h-staged"), staged },
    { name: "an entity Port holds that is no longer staged and differs", snapshot: row(ours, "h-staged"), staged: undefined },
    { name: "a staged entity Port holds differently and the snapshot never knew", snapshot: undefined, staged },
  ])("records Port's copy as read from Port for $name, so the diff repairs it", ({ snapshot, staged: stagedRow }) => {
    const decision = decideReconcile(edited, snapshot, stagedRow);
    expect(decision).toMatchObject({ type: "write", row: { identifier: "i1", entityJson: toCanonicalJson(edited) } });
    expect(decision).toMatchObject({ row: { state: "read-from-port", hash: hashCanonicalJson(toCanonicalJson(edited)) } });
  });
});

describe("toCanonicalJson", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(toCanonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

describe("decideSearchStep", () => {
  const guard = (seen: readonly string[], pagesRead: number, maxPages = 10) => ({ seen: new Set(seen), pagesRead, maxPages });
  it.each([
    { name: "a new next goes on", next: "c2", from: "c1", guard: guard(["c1"], 2), expected: { type: "next", from: "c2" } },
    { name: "the first page's next goes on", next: "c1", from: undefined, guard: guard([], 1), expected: { type: "next", from: "c1" } },
    { name: "no next ends", next: undefined, from: "c1", guard: guard(["c1"], 2), expected: { type: "end" } },
    { name: "an empty next ends", next: "", from: "c1", guard: guard(["c1"], 2), expected: { type: "end" } },
    { name: "a next that is not a string ends", next: 7, from: "c1", guard: guard(["c1"], 2), expected: { type: "end" } },
    { name: "no next ends even at the bound", next: undefined, from: "c9", guard: guard(["c9"], 10), expected: { type: "end" } },
  ])("$name", ({ next, from, guard: g, expected }) => {
    expect(decideSearchStep(next, from, g)).toEqual(expected);
  });

  it.each([
    { name: "a next equal to the request's from", next: "c2", from: "c2", guard: guard(["c1", "c2"], 3), reason: /^Port's search answered next=c2, the cursor it was asked for/ },
    { name: "a next answered before (a cycle)", next: "c1", from: "c2", guard: guard(["c1", "c2"], 3), reason: /^Port's search answered next=c1, which it had already answered/ },
    { name: "a new next past the bound", next: "c11", from: "c10", guard: guard(["c10"], 10), reason: /past 10 pages, the bound for this blueprint/ },
  ])("fails on $name", ({ next, from, guard: g, reason }) => {
    const step = decideSearchStep(next, from, g);
    expect(step.type).toBe("failed");
    expect(step.type === "failed" ? step.reason : "").toMatch(reason);
  });
});

describe("decideSearchPageBound", () => {
  it.each([
    { entities: 0, expected: 1000 },
    { entities: 150_000, expected: 1500 },
    { entities: 150_001, expected: 1510 },
  ])("bounds a blueprint of $entities known entities at $expected pages of 1,000", ({ entities, expected }) => {
    expect(decideSearchPageBound({ minPages: 1000, factor: 10, firstReadPages: 100_000 }, entities)).toBe(expected);
  });
});
