import { describe, expect, it } from "vitest";
import { listUnknownKeys, warnUnknownEnvNames } from "../../../src/config/unknown-keys";

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

describe("warnUnknownEnvNames", () => {
  it.each([
    { name: "known settings", env: { OCEAN__PORT__CLIENT_ID: "x", ETL_DB: "a.sqlite", OCEAN__EVENT_LISTENER__TYPE: "POLLING" }, warnings: [] },
    { name: "a secret read from a file", env: { OCEAN__PORT__CLIENT_SECRET_FILE: "/run/secrets/port" }, warnings: [] },
    { name: "variables of other programs", env: { PATH: "/bin", HOME: "/root", OCEANS: "7", JQ_PATHS: "x" }, warnings: [] },
    { name: "an unknown variable set empty", env: { OCEAN__PORT__CLIENTID: "" }, warnings: [] },
    {
      name: "a misspelt Ocean variable",
      env: { OCEAN__PORT__CLIENTID: "abc" },
      warnings: ["OCEAN__PORT__CLIENTID is set, but no setting reads it: did you mean OCEAN__PORT__CLIENT_ID?"],
    },
    {
      name: "a misspelt ETL variable and one far from any",
      env: { ETL_DBB: "x", ETL_COLOR: "blue" },
      warnings: [
        "ETL_COLOR is set, but no setting reads it (pnpm etl config lists the settings and their variables)",
        "ETL_DBB is set, but no setting reads it: did you mean ETL_DB?",
      ],
    },
  ])("warns about $name as $warnings", ({ env, warnings }) => {
    expect(warnUnknownEnvNames(env)).toEqual(warnings);
  });

  it("quotes no value", () => {
    expect(warnUnknownEnvNames({ OCEAN__INTEGRATION__SECRETS__TOKN: "sk_live_secret" }).join("\n")).not.toContain("sk_live_secret");
  });
});
