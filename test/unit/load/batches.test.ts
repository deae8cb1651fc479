import { describe, expect, it } from "vitest";
import { describePortError, readDeleteReply, readUpsertReply, splitIntoBatches, buildUpsertBody } from "../../../src/load/batches";

describe("buildUpsertBody", () => {
  it.each([
    {
      name: "keeps identifier, title, properties and relations and drops the blueprint",
      entity: { blueprint: "user", identifier: "u1", title: "Ada", properties: { a: 1 }, relations: { r: "x" } },
      expected: { identifier: "u1", title: "Ada", properties: { a: 1 }, relations: { r: "x" } },
    },
    {
      name: "leaves out null title, icon and team, which Port's schema types as strings",
      entity: { identifier: "u1", title: null, icon: null, team: null, properties: { a: null }, relations: { r: null } },
      expected: { identifier: "u1", properties: { a: null }, relations: { r: null } },
    },
    {
      name: "sends empty properties and relations when the mapping has none",
      entity: { identifier: "u1", team: ["t1"] },
      expected: { identifier: "u1", team: ["t1"], properties: {}, relations: {} },
    },
  ])("$name", ({ entity, expected }) => {
    expect(buildUpsertBody(entity)).toEqual(expected);
  });
});

describe("splitIntoBatches", () => {
  const sizes = (batches: number[][]) => batches.map((batch) => batch.length);
  // 15 bytes of envelope: {"entities":[]}
  it.each([
    { name: "cuts at the count limit", items: Array(45).fill(10), limits: { maxCount: 20, maxBytes: 1e6 }, expected: [20, 20, 5] },
    { name: "cuts before the body would pass the byte limit", items: [40, 40, 40], limits: { maxCount: 20, maxBytes: 15 + 40 + 1 + 40 }, expected: [2, 1] },
    { name: "counts the commas between items", items: [40, 40], limits: { maxCount: 20, maxBytes: 15 + 40 + 40 }, expected: [1, 1] },
    { name: "sends an item too large on its own alone", items: [10, 5000, 10], limits: { maxCount: 20, maxBytes: 1000 }, expected: [1, 1, 1] },
    { name: "makes no batch of nothing", items: [], limits: { maxCount: 20, maxBytes: 1000 }, expected: [] },
  ])("$name", ({ items, limits, expected }) => {
    expect(sizes(splitIntoBatches(items as number[], (bytes) => bytes, limits))).toEqual(expected);
  });
});

describe("readUpsertReply", () => {
  const error = (index: number, identifier: string) => ({ index, identifier, statusCode: 422, error: "blueprint_schema_mismatch", message: `bad ${identifier}` });
  const written = (index: number, identifier: string) => ({ index, identifier, created: true });
  const unconfirmed = (index: number, status = 200) => ({ index, status, message: "Port's answer did not confirm this entity" });

  it.each([
    {
      name: "confirms every entity of a 200",
      status: 200,
      body: { ok: true, entities: [0, 1, 2].map((index) => written(index, `e${index}`)), errors: [] },
      expected: { type: "settled", confirmed: [0, 1, 2], rejected: [] },
    },
    {
      name: "splits a 207 into confirmed and refused entities, with Port's message",
      status: 207,
      body: { ok: false, entities: [{ index: 0, identifier: "e0", created: false }, written(2, "e2")], errors: [error(1, "e1")] },
      expected: { type: "settled", confirmed: [0, 2], rejected: [{ index: 1, status: 422, message: "blueprint_schema_mismatch: bad e1" }] },
    },
    {
      name: "matches by identifier when Port lists entities in another order",
      status: 200,
      body: { ok: true, entities: [written(0, "e2"), written(1, "e0"), written(2, "e1")] },
      expected: { type: "settled", confirmed: [0, 1, 2], rejected: [] },
    },
    {
      name: "refuses an entity whose position names another identifier",
      status: 200,
      body: { ok: true, entities: [written(0, "e0"), written(1, "other"), written(2, "e2")] },
      expected: {
        type: "settled",
        confirmed: [0, 2],
        rejected: [{ index: 1, status: 200, message: 'Port\'s answer did not confirm this entity (it named "other" at its position)' }],
      },
    },
    {
      name: "refuses an entity named both as written and in errors[]",
      status: 207,
      body: { ok: false, entities: [0, 1, 2].map((index) => written(index, `e${index}`)), errors: [error(1, "e1")] },
      expected: { type: "settled", confirmed: [0, 2], rejected: [{ index: 1, status: 422, message: "blueprint_schema_mismatch: bad e1" }] },
    },
    {
      name: "refuses by identifier an error whose index points elsewhere",
      status: 207,
      body: { ok: false, entities: [0, 1, 2].map((index) => written(index, `e${index}`)), errors: [error(0, "e2")] },
      expected: { type: "settled", confirmed: [0, 1], rejected: [{ index: 2, status: 422, message: "blueprint_schema_mismatch: bad e2" }] },
    },
    {
      name: "refuses by index an error that names no identifier",
      status: 207,
      body: { ok: false, entities: [0, 1, 2].map((index) => written(index, `e${index}`)), errors: [{ index: 1, statusCode: 500, error: "internal_error" }] },
      expected: { type: "settled", confirmed: [0, 2], rejected: [{ index: 1, status: 500, message: "internal_error" }] },
    },
    {
      name: "refuses entities the answer does not mention, so they are retried",
      status: 200,
      body: { ok: true, entities: [written(0, "e0")], errors: [] },
      expected: { type: "settled", confirmed: [0], rejected: [unconfirmed(1), unconfirmed(2)] },
    },
    {
      name: "refuses entities named only by index, without an identifier",
      status: 200,
      body: { ok: true, entities: [{ index: 0 }, { index: 1 }, { index: 2 }] },
      expected: { type: "settled", confirmed: [], rejected: [unconfirmed(0), unconfirmed(1), unconfirmed(2)] },
    },
    {
      name: "refuses everything when the body is not Port's shape",
      status: 200,
      body: "<html>",
      expected: { type: "settled", confirmed: [], rejected: [unconfirmed(0), unconfirmed(1), unconfirmed(2)] },
    },
    { name: "asks to split a 413 batch", status: 413, body: { ok: false, error: "bad_request" }, expected: { type: "split" } },
    {
      name: "refuses a single entity that is too large",
      status: 413,
      body: { ok: false, error: "bad_request", message: "Request body is too large (limit is 1MiB)" },
      identifiers: ["e0"],
      expected: { type: "settled", confirmed: [], rejected: [{ index: 0, status: 413, message: "bad_request: Request body is too large (limit is 1MiB)" }] },
    },
    {
      name: "refuses the whole batch on another error",
      status: 404,
      body: { ok: false, error: "not_found", message: "Blueprint with identifier \"x\" was not found" },
      identifiers: ["e0", "e1"],
      expected: {
        type: "settled",
        confirmed: [],
        rejected: [0, 1].map((index) => ({ index, status: 404, message: 'not_found: Blueprint with identifier "x" was not found' })),
      },
    },
    {
      name: "ignores identifiers and indexes outside the batch",
      status: 200,
      body: { entities: [written(7, "stranger"), written(0, "e0")], errors: [{ index: -1, statusCode: 500 }, error(3, "stranger")] },
      identifiers: ["e0"],
      expected: { type: "settled", confirmed: [0], rejected: [] },
    },
  ])("$name", ({ status, body, identifiers, expected }) => {
    expect(readUpsertReply(status, body, identifiers ?? ["e0", "e1", "e2"])).toEqual(expected);
  });
});

describe("readDeleteReply", () => {
  const blocked = { ok: false, error: "has_dependents", message: "blocked" };
  it.each([
    { name: "200 settles every identifier, held or already gone", status: 200, body: { ok: true, deletedEntities: ["e0"] }, size: 3, expected: { type: "settled", confirmed: [0, 1, 2], rejected: [] } },
    { name: "404 counts as done", status: 404, body: blocked, size: 2, expected: { type: "settled", confirmed: [0, 1], rejected: [] } },
    { name: "422 (dependents) splits a larger batch", status: 422, body: blocked, size: 2, expected: { type: "split" } },
    { name: "413 splits a larger batch", status: 413, body: blocked, size: 100, expected: { type: "split" } },
    {
      name: "422 refuses a single identifier",
      status: 422,
      body: blocked,
      size: 1,
      expected: { type: "settled", confirmed: [], rejected: [{ index: 0, status: 422, message: "has_dependents: blocked" }] },
    },
    {
      name: "200 refuses the identifiers its errors[] names, by identifier",
      status: 200,
      body: { ok: true, deletedEntities: ["e0", "e2"], errors: [{ index: 0, identifier: "e1", statusCode: 422, error: "has_dependents", message: "blocked" }] },
      size: 3,
      expected: { type: "settled", confirmed: [0, 2], rejected: [{ index: 1, status: 422, message: "has_dependents: blocked" }] },
    },
    {
      name: "a partial 200 (ok: false) refuses what deletedEntities leaves out",
      status: 200,
      body: { ok: false, deletedEntities: ["e1"] },
      size: 2,
      expected: { type: "settled", confirmed: [1], rejected: [{ index: 0, status: 200, message: "Port's answer did not confirm this deletion (no error message)" }] },
    },
  ])("$name", ({ status, body, size, expected }) => {
    expect(readDeleteReply(status, body, Array.from({ length: size }, (_, index) => `e${index}`))).toEqual(expected);
  });
});

describe("describePortError", () => {
  it.each([
    { body: { error: "not_found", message: "gone" }, expected: "not_found: gone" },
    { body: { error: "not_found" }, expected: "not_found" },
    { body: { message: "gone" }, expected: "gone" },
    { body: "<html>", expected: "no error message" },
    { body: { error: "unauthorized", message: "header Authorization: Bearer eyJhbGciOi.quoted-token_1 was refused" }, expected: "unauthorized: header Authorization: [redacted] was refused" },
  ])("describes $body as $expected", ({ body, expected }) => {
    expect(describePortError(body)).toBe(expected);
  });
});
