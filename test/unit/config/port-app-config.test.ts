import { describe, expect, it } from "vitest";
import { parsePortAppConfig } from "../../../src/config/port-app-config";
import type { Blueprint } from "../../../src/model/blueprint";
import { CURSOR_PAGINATION } from "../../helpers/pagination";


const USER: Blueprint = {
  identifier: "incidentioUser",
  title: "User",
  schema: { properties: { email: { type: "string", format: "email" } }, required: [] },
  relations: { team: { target: "incidentioTeam", required: false, many: false } },
};

function resource(lines: string[]): string {
  return ["resources:", ...lines.map((l) => `  ${l}`)].join("\n");
}

const USERS = [
  "- kind: /v2/users",
  "  selector:",
  "    data_path: .users",
  "  port:",
  "    entity:",
  "      mappings:",
  "        identifier: .id",
  "        blueprint: '\"incidentioUser\"'",
  "        properties:",
  "          email: .email",
];

describe("parsePortAppConfig", () => {
  it("applies Ocean's defaults for the top-level flags and the selector", () => {
    const { config, issues } = parsePortAppConfig(resource(USERS), "m.yml", CURSOR_PAGINATION, [USER]);
    expect(issues).toEqual([]);
    expect(config).toMatchObject({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.9,
    });
    expect(config?.resources[0]).toMatchObject({ kind: "/v2/users", name: "users", selector: { query: "true", dataPath: ".users" } });
  });

  it.each([
    {
      name: "a property the blueprint lacks",
      yaml: resource([...USERS, "          nickname: .nick"]),
      issue: 'm.yml: resources[0].port.entity.mappings.properties.nickname: blueprint "incidentioUser" has no property "nickname" (Port rejects unknown properties)',
    },
    {
      name: "an unknown blueprint",
      yaml: resource(USERS.map((l) => l.replace("incidentioUser", "nope"))),
      issue: 'm.yml: resources[0].port.entity.mappings.blueprint: blueprint "nope" is not defined in the blueprints file',
    },
    {
      name: "an unknown pagination type",
      yaml: resource([...USERS.slice(0, 3), "    pagination: { type: sideways }", ...USERS.slice(3)]),
      issue: "m.yml: resources[0].selector.pagination.type: must be one of cursor, offset, page, none",
    },
    {
      name: "a placeholder without a path parameter",
      yaml: resource(USERS.map((l) => l.replace("/v2/users", "/v2/users/{user_id}"))),
      issue: "m.yml: resources[0].kind: {user_id} has no selector.path_parameters.user_id to fill it",
    },
    {
      name: "a search-query identifier",
      yaml: resource(USERS.map((l) => l.replace("identifier: .id", "identifier: { combinator: and, rules: [] }"))),
      issue: "m.yml: resources[0].port.entity.mappings.identifier: must be a jq expression; search-query objects ({combinator, rules}) are not supported",
    },
    {
      name: "an empty resources list",
      yaml: "resources: []",
      issue: "m.yml: resources: must list at least one resource",
    },
    {
      name: "broken YAML",
      yaml: "resources:\n  - kind: [\n",
      issue: "m.yml: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1",
    },
  ])("rejects $name with a located message", ({ yaml, issue }) => {
    const { config, issues } = parsePortAppConfig(yaml, "m.yml", CURSOR_PAGINATION, [USER]);
    expect(config).toBeUndefined();
    expect(issues).toContain(issue);
  });

  it("rejects two resources of one kind that fetch differently", () => {
    const second = USERS.map((l) => l.replace("data_path: .users", "data_path: .users | map(.)"));
    const { issues } = parsePortAppConfig(resource([...USERS, ...second]), "m.yml", CURSOR_PAGINATION, [USER]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain("resources of one kind must fetch the same way");
  });

  it("names kinds that share a last segment by their full path", () => {
    const v2 = USERS.map((l) => l.replace("/v2/users", "/v2/follow_ups").replace("properties:", "properties: {}").replace("          email: .email", ""));
    const v3 = v2.map((l) => l.replace("/v2/follow_ups", "/v3/follow_ups"));
    const { config, warnings } = parsePortAppConfig(resource([...v2, ...v3].filter(Boolean)), "m.yml", CURSOR_PAGINATION, [USER]);
    expect(config?.resources.map((r) => r.name)).toEqual(["v2/follow_ups", "v3/follow_ups"]);
    expect(warnings).toHaveLength(1);
  });

  it.each(["constructor", "toString", "hasOwnProperty"])("rejects a property named %s that the blueprint lacks, although every object inherits it", (name) => {
    const { issues } = parsePortAppConfig(resource([...USERS, `          ${name}: .x`]), "m.yml", CURSOR_PAGINATION, [USER]);
    expect(issues).toEqual([
      `m.yml: resources[0].port.entity.mappings.properties.${name}: blueprint "incidentioUser" has no property "${name}" (Port rejects unknown properties)`,
    ]);
  });

  it("warns about a key it does not read, naming its path", () => {
    const { config, warnings } = parsePortAppConfig(resource([...USERS, "  selectr:", "    query: 'false'"]), "m.yml", CURSOR_PAGINATION, [USER]);
    expect(config).toBeDefined();
    expect(warnings).toEqual(["m.yml: resources[0].selectr: unknown key, ignored (check its spelling and indentation)"]);
  });

  it("names a misspelt key beside the key it left missing", () => {
    const yaml = resource(USERS.map((line) => line.replace("      mappings:", "      mapings:")));
    const { config, issues } = parsePortAppConfig(yaml, "m.yml", CURSOR_PAGINATION, [USER]);
    expect(config).toBeUndefined();
    expect(issues).toEqual([
      "m.yml: resources[0].port.entity.mappings: Invalid input: expected object, received undefined",
      "m.yml: resources[0].port.entity.mapings: unknown key (check its spelling and indentation)",
    ]);
  });
});
