import { describe, expect, it } from "vitest";
import { planBlueprintCreation, buildIntegrationConfig, isEmptyIntegrationConfig } from "../../../src/load/initialize";
import type { Blueprint } from "../../../src/model/blueprint";
import { makeMapping, makeResource } from "../../helpers/load-fixtures";

const blueprint = (identifier: string, targets: string[] = [], extra: Record<string, unknown> = {}): Blueprint =>
  ({
    identifier,
    title: identifier,
    schema: { properties: { name: { type: "string" } }, required: [] },
    relations: Object.fromEntries(targets.map((target) => [`to_${target}`, { target, required: false, many: false }])),
    ...extra,
  }) as Blueprint;

describe("planBlueprintCreation", () => {
  it("creates missing blueprints bare, targets first, then patches relations, then what builds on them", () => {
    const creation = planBlueprintCreation(
      [blueprint("incident", ["user"], { mirrorProperties: { email: { path: "to_user.email" } }, ownership: { type: "Direct" } }), blueprint("user")],
      new Set(),
    );
    expect(creation.create).toEqual([
      { identifier: "user", title: "user", schema: { properties: { name: { type: "string" } }, required: [] } },
      { identifier: "incident", title: "incident", schema: { properties: { name: { type: "string" } }, required: [] } },
    ]);
    expect(creation.relationPatches).toEqual([{ identifier: "incident", patch: { relations: { to_user: { target: "user", required: false, many: false } } } }]);
    expect(creation.finishingPatches).toEqual([{ identifier: "incident", patch: { mirrorProperties: { email: { path: "to_user.email" } }, ownership: { type: "Direct" } } }]);
  });

  it.each([
    { name: "leaves blueprints Port has untouched", wanted: [blueprint("a"), blueprint("b", ["a"])], existing: ["a"], created: ["b"] },
    { name: "creates nothing when all exist", wanted: [blueprint("a")], existing: ["a", "z"], created: [] },
    { name: "creates blueprints of a relation cycle", wanted: [blueprint("a", ["b"]), blueprint("b", ["a"])], existing: [], created: ["a", "b"] },
  ])("$name", ({ wanted, existing, created }) => {
    expect(planBlueprintCreation(wanted, new Set(existing)).create.map((body) => body["identifier"])).toEqual(created);
  });
});

describe("buildIntegrationConfig", () => {
  it("writes the mapping in port-app-config.yml's shape, with flags and effective paging (only the keys of its type)", () => {
    const resource = {
      ...makeResource("/v3/catalog_entries?catalog_type_id={catalog_type_id}", "entry"),
      selector: {
        ...makeResource("/x", "entry").selector,
        queryParams: { page_size: "25" },
        pathParameters: [
          {
            name: "catalog_type_id",
            endpoint: "/v3/catalog_types",
            queryParams: {},
            dataPath: ".catalog_types",
            field: ".id",
            filter: undefined,
            pagination: { type: "none", pageSize: 100, param: "after", sizeParam: "page_size", cursorPath: "a", hasMorePath: undefined, startPage: 1 },
          },
        ],
      },
    } as const;
    const config = buildIntegrationConfig(makeMapping({ resources: [resource], entityDeletionThreshold: 0.5 }));
    expect(config).toEqual({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.5,
      resources: [
        {
          kind: "/v3/catalog_entries?catalog_type_id={catalog_type_id}",
          selector: {
            query: "true",
            data_path: ".x",
            query_params: { page_size: "25" },
            path_parameters: {
              catalog_type_id: {
                endpoint: "/v3/catalog_types",
                data_path: ".catalog_types",
                field: ".id",
                pagination: { type: "none" },
              },
            },
            pagination: { type: "cursor", page_size: 100, param: "after", size_param: "page_size", cursor_path: "pagination_meta.after" },
          },
          port: { entity: { mappings: { identifier: ".id", title: ".name", blueprint: '"entry"', properties: {}, relations: {} } } },
        },
      ],
    });
  });
});

describe("isEmptyIntegrationConfig", () => {
  it.each([
    { config: undefined, expected: true },
    { config: null, expected: true },
    { config: {}, expected: true },
    { config: { resources: [] }, expected: false },
    { config: { resources: [{ kind: "/v2/users" }] }, expected: false },
  ])("says $expected for $config: Ocean fills only an empty config with its default", ({ config, expected }) => {
    expect(isEmptyIntegrationConfig(config)).toBe(expected);
  });
});
