import { describe, expect, it } from "vitest";
import { parsePortAppConfig } from "../../../src/config/port-app-config";
import type { ProposedMappings } from "../../../src/discover/propose";
import { renderMappingYaml } from "../../../src/discover/render-mapping";
import type { PortAppConfig, ResourceMapping } from "../../../src/model/mapping";
import type { PaginationSettings } from "../../../src/model/pagination";
import { makeResource, readMapping } from "../../helpers/transform-fixtures";

// Deliberately unlike every resource's paging, so a selector that leaned on the global settings would show.
const OTHER_GLOBAL: PaginationSettings = { type: "page", pageSize: 7, param: "p", sizeParam: "n", cursorPath: "x.y", hasMorePath: undefined, startPage: 3 };

/** The settings a paging type uses; the others never reach a request. */
function effective(pagination: PaginationSettings | undefined): Partial<PaginationSettings> | undefined {
  if (pagination === undefined || pagination.type === "none") return pagination && { type: "none" };
  const { type, pageSize, param, sizeParam, cursorPath, hasMorePath, startPage } = pagination;
  return { type, pageSize, param, sizeParam, hasMorePath, ...(type === "cursor" ? { cursorPath } : {}), ...(type === "page" ? { startPage } : {}) };
}

function effectiveSelector(resource: ResourceMapping): unknown {
  const { selector } = resource;
  return {
    kind: resource.kind,
    ...selector,
    pagination: effective(selector.pagination),
    pathParameters: selector.pathParameters.map((parameter) => ({ ...parameter, pagination: effective(parameter.pagination) })),
  };
}

const PROPOSED: ProposedMappings = {
  identifier: ".id",
  title: ".name",
  blueprint: '"thing"',
  properties: { status: '.status as $v | if $v == null then null elif ($v | IN("a", "b")) then $v else "other" end', tags: ".tags // []" },
  relations: { members: "[.members[]?.id]", owner: ".owner.id" },
};

function reparse(text: string): PortAppConfig {
  const parsed = parsePortAppConfig(text, "proposed.yml", OTHER_GLOBAL, []);
  if (parsed.config === undefined) throw new Error(parsed.issues.join("\n"));
  return parsed.config;
}

describe("renderMappingYaml", () => {
  it("keeps every selector of the shipped mapping exactly as configured, and its top-level flags", () => {
    const { config } = readMapping("resources/port-app-config.yml", "resources/blueprints.json");
    const text = renderMappingYaml(config, config.resources.map((resource) => ({ resource, mappings: PROPOSED })));
    const reparsed = reparse(text);
    expect(reparsed.resources.map(effectiveSelector)).toEqual(config.resources.map(effectiveSelector));
    const { resources: _reparsedResources, ...reparsedFlags } = reparsed;
    const { resources: _resources, ...flags } = config;
    expect(reparsedFlags).toEqual(flags);
  });

  it("writes the proposed mappings as they are", () => {
    const text = renderMappingYaml(readMapping("resources/port-app-config.yml", "resources/blueprints.json").config, [{ resource: makeResource(), mappings: PROPOSED }]);
    const [resource] = reparse(text).resources;
    expect(resource?.mappings).toEqual({ ...PROPOSED, icon: undefined, team: undefined });
  });

  it.each<{ name: string; pagination: PaginationSettings }>([
    { name: "none", pagination: { ...OTHER_GLOBAL, type: "none" } },
    { name: "cursor", pagination: { type: "cursor", pageSize: 50, param: "after", sizeParam: "page_size", cursorPath: "pagination_meta.after", hasMorePath: undefined, startPage: 3 } },
    { name: "cursor with a has-more path", pagination: { type: "cursor", pageSize: 25, param: "c", sizeParam: "l", cursorPath: "meta.next", hasMorePath: "meta.more", startPage: 3 } },
    { name: "offset", pagination: { type: "offset", pageSize: 100, param: "offset", sizeParam: "limit", cursorPath: "x.y", hasMorePath: undefined, startPage: 3 } },
    { name: "page", pagination: { type: "page", pageSize: 20, param: "page", sizeParam: "size", cursorPath: "x.y", hasMorePath: undefined, startPage: 1 } },
  ])("writes $name paging so that it reads back the same", ({ pagination }) => {
    const base = makeResource();
    const resource = { ...base, selector: { ...base.selector, pagination } };
    const text = renderMappingYaml(readMapping("resources/port-app-config.yml", "resources/blueprints.json").config, [{ resource, mappings: PROPOSED }]);
    expect(effective(reparse(text).resources[0]?.selector.pagination)).toEqual(effective(pagination));
  });

  it("opens with a comment saying the file is a proposal to review", () => {
    const text = renderMappingYaml(readMapping("resources/port-app-config.yml", "resources/blueprints.json").config, []);
    expect(text.split("\n")[0]).toBe("# Proposed by `etl discover` from the raw records in the staging file: review it before use.");
  });
});
