import { describe, expect, it } from "vitest";
import { listUnknownKeys } from "../../../src/config/unknown-keys";

describe("listUnknownKeys", () => {
  it.each([
    { name: "a complete resource", document: { resources: [{ kind: "/v2/users", selector: { query: "true", data_path: ".users" }, port: { entity: { mappings: { identifier: ".id", properties: { anyName: ".x" } } } } }] }, keys: [] },
    { name: "a misspelt top-level key", document: { resorces: [], resources: [] }, keys: ["resorces"] },
    { name: "a misspelt selector", document: { resources: [{ kind: "/x", selectr: {} }] }, keys: ["resources[0].selectr"] },
    { name: "a key one level too deep", document: { resources: [{ kind: "/x", port: { entity: { mappings: { identifier: ".id" }, title: ".name" } } }] }, keys: ["resources[0].port.entity.title"] },
    {
      name: "an unknown key inside a path parameter, whose name is the user's",
      document: { resources: [{ kind: "/x", selector: { path_parameters: { type_id: { endpoint: "/y", field: ".id", feild: ".id" } } } }] },
      keys: ["resources[0].selector.path_parameters.type_id.feild"],
    },
    { name: "property and relation names, which are the user's", document: { resources: [{ port: { entity: { mappings: { properties: { a: ".a" }, relations: { b: ".b" } } } } }] }, keys: [] },
    { name: "keys every JavaScript object inherits", document: JSON.parse('{"__proto__": 1, "constructor": 2, "resources": [{"toString": 3}]}') as unknown, keys: ["__proto__", "constructor", "resources[0].toString"] },
    { name: "values that are not objects", document: { resources: "text" }, keys: [] },
    { name: "no document", document: null, keys: [] },
  ])("lists $name", ({ document, keys }) => {
    expect(listUnknownKeys(document)).toEqual(keys);
  });
});
