import { describe, expect, it } from "vitest";
import type { JqRunner } from "../../../src/jq/jq-runner";
import type { PathParameter } from "../../../src/model/mapping";
import { selectParentValues, toParameterValue } from "../../../src/extract/parents";

const NO_JQ: JqRunner = {
  version: "none",
  runJson: () => Promise.reject(new Error("jq must not run for simple expressions")),
  runText: () => Promise.reject(new Error("jq must not run for simple expressions")),
};

const parameter = (field: string, filter?: string): PathParameter => ({
  name: "catalog_type_id",
  endpoint: "/v3/catalog_types",
  queryParams: {},
  dataPath: ".catalog_types",
  field,
  filter,
  pagination: { type: "none", pageSize: 100, param: "", sizeParam: "", cursorPath: "pagination_meta.after", hasMorePath: undefined, startPage: 1 },
});

describe("toParameterValue", () => {
  it.each([
    { value: "01CT", expected: "01CT" },
    { value: 7, expected: "7" },
    { value: true, expected: "true" },
    { value: { a: 1 }, expected: '{"a":1}' },
    { value: null, expected: undefined },
    { value: undefined, expected: undefined },
  ])("turns $value into $expected", ({ value, expected }) => {
    expect(toParameterValue(value)).toBe(expected);
  });
});

describe("selectParentValues", () => {
  const records = [
    { id: "A", is_editable: true },
    { id: "B", is_editable: false },
    { id: "A", is_editable: true },
    { name: "no id", is_editable: true },
    { id: "C", is_editable: "true" },
  ];

  it.each([
    { name: "keeps every parent without a filter, once each, skipping null values", field: ".id", filter: undefined, expected: ["A", "B", "C"] },
    { name: "keeps every parent with filter true", field: ".id", filter: "true", expected: ["A", "B", "C"] },
    { name: "keeps only parents whose filter is exactly true", field: ".id", filter: ".is_editable", expected: ["A"] },
    { name: "keeps nothing with filter false", field: ".id", filter: "false", expected: [] },
  ])("$name", async ({ field, filter, expected }) => {
    await expect(selectParentValues(records, parameter(field, filter), NO_JQ)).resolves.toEqual(expected);
  });

  it("names the path parameter when a field fails", async () => {
    await expect(selectParentValues([["not", "an", "object"]], parameter(".id"), NO_JQ)).rejects.toThrow(
      'path_parameters.catalog_type_id (field .id) failed on the records of /v3/catalog_types: Cannot index array with "id"',
    );
  });
});
