import { describe, expect, it } from "vitest";
import type { JqRunner } from "../../../src/jq/jq-runner";
import { adviseDataPath, createItemReader } from "../../../src/extract/items";

// Simple paths never reach jq; a runner that throws proves it.
const NO_JQ: JqRunner = {
  version: "none",
  runJson: () => Promise.reject(new Error("jq must not run for a simple path")),
  runText: () => Promise.reject(new Error("jq must not run for a simple path")),
};

describe("adviseDataPath", () => {
  it.each([
    { name: "the one array", page: { catalog_types: [], meta: {} }, expected: "set data_path to .catalog_types" },
    { name: "each array when there are several", page: { users: [], teams: [] }, expected: "set data_path to one of .users, .teams" },
    { name: "a key that needs quoting", page: { "alert-sources": [] }, expected: 'set data_path to ."alert-sources"' },
    {
      name: "the keys when there is no array",
      page: { identity: { name: "x" }, ok: true },
      expected: "set data_path to the array of records (the page has no array at its top level; its keys are .identity, .ok)",
    },
  ])("names $name", ({ page, expected }) => {
    expect(adviseDataPath(page, "data_path")).toBe(expected);
  });
});

describe("createItemReader", () => {
  it("reads the array at a simple data_path in-process", async () => {
    const read = createItemReader(".users", "/v2/users", "data_path", NO_JQ);
    await expect(read({ users: [{ id: "1" }], pagination_meta: {} })).resolves.toEqual([{ id: "1" }]);
  });

  it("takes an array page as it is when no data_path is set", async () => {
    const read = createItemReader(undefined, "/v2/users", "data_path", NO_JQ);
    await expect(read([{ id: "1" }])).resolves.toEqual([{ id: "1" }]);
  });

  it("fails an object page without data_path, naming the array to point at", async () => {
    const read = createItemReader(undefined, "/v3/catalog_types", "path_parameters.catalog_type_id.data_path", NO_JQ);
    await expect(read({ catalog_types: [] })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[Error: a page of /v3/catalog_types is an object, not an array of records: set path_parameters.catalog_type_id.data_path to .catalog_types]`,
    );
  });

  it("fails a data_path that finds nothing, instead of yielding no records", async () => {
    const read = createItemReader(".user", "/v2/users", "data_path", NO_JQ);
    await expect(read({ users: [] })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[Error: data_path .user gave null on a page of /v2/users, not an array of records; set data_path to .users]`,
    );
  });

  it("fails a data_path that indexes an array, with jq's words", async () => {
    const read = createItemReader(".users", "/v2/users", "data_path", NO_JQ);
    await expect(read([{ id: "1" }])).rejects.toThrow('data_path .users failed on a page of /v2/users: Cannot index array with "users"');
  });
});
