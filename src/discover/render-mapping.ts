import { Document, isMap, isScalar, visit } from "yaml";
import { renderSelector } from "../config/render-selector";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
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
      selector: renderSelector(resource),
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
