import { Document, isMap, isScalar, visit } from "yaml";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
import type { PaginationSettings } from "../model/pagination";
import type { ProposedMappings } from "./propose";

/** A resource of the mapping with the entity mappings proposed for it. */
export interface ProposedResource {
  readonly resource: ResourceMapping;
  readonly mappings: ProposedMappings;
}

const HEADER = [
  " Proposed by `etl discover` from the raw records in the staging file: review it before use.",
  " Selectors are the configured ones, with the paging each request used written out.",
  " Enum properties map values the sample did not show to \"other\".",
  " Expressions run on jq 1.6 and 1.7 alike.",
].join("\n");

// Small maps read best on one line, as in the shipped mapping.
const FLOW_KEYS = new Set(["pagination", "query_params"]);

function buildPagination(pagination: PaginationSettings): Record<string, unknown> {
  if (pagination.type === "none") return { type: "none" };
  return {
    type: pagination.type,
    page_size: pagination.pageSize,
    param: pagination.param,
    size_param: pagination.sizeParam,
    ...(pagination.type === "cursor" ? { cursor_path: pagination.cursorPath } : {}),
    ...(pagination.hasMorePath === undefined ? {} : { has_more_path: pagination.hasMorePath }),
    ...(pagination.type === "page" ? { start_page: pagination.startPage } : {}),
  };
}

function nonEmpty(key: string, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.keys(value).length === 0 ? {} : { [key]: value };
}

function defined(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

/** The selector as the mapping configured it, with the pagination each request actually used. */
function buildSelector(resource: ResourceMapping): Record<string, unknown> {
  const { selector } = resource;
  const pathParameters = Object.fromEntries(
    selector.pathParameters.map((parameter) => [
      parameter.name,
      {
        endpoint: parameter.endpoint,
        ...nonEmpty("query_params", parameter.queryParams),
        ...defined("data_path", parameter.dataPath),
        field: parameter.field,
        ...defined("filter", parameter.filter),
        pagination: buildPagination(parameter.pagination),
      },
    ]),
  );
  return {
    query: selector.query,
    ...defined("data_path", selector.dataPath),
    ...nonEmpty("query_params", selector.queryParams),
    ...nonEmpty("path_parameters", pathParameters),
    pagination: buildPagination(selector.pagination),
  };
}

/**
 * Renders a `port-app-config.yml`: the mapping's top-level flags, then each proposed resource with
 * its kind and selector as configured and the proposed `port.entity.mappings`.
 */
export function renderMappingYaml(mapping: PortAppConfig, proposed: readonly ProposedResource[]): string {
  const document = new Document({
    deleteDependentEntities: mapping.deleteDependentEntities,
    createMissingRelatedEntities: mapping.createMissingRelatedEntities,
    enableMergeEntity: mapping.enableMergeEntity,
    entityDeletionThreshold: mapping.entityDeletionThreshold,
    resources: proposed.map(({ resource, mappings }) => ({
      kind: resource.kind,
      selector: buildSelector(resource),
      port: { entity: { mappings } },
    })),
  });
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_KEYS.has(String(pair.key.value)) && isMap(pair.value)) pair.value.flow = true;
    },
  });
  document.commentBefore = HEADER;
  return document.toString({ lineWidth: 0 });
}
