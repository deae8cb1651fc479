import { blueprintName, type ResourceMapping } from "../model/mapping";

/**
 * Narrows the mapping's resources to those `--only` names: a kind (`/v2/incidents`), its short name
 * (`incidents`) or a literal blueprint (`incidentioIncident`). Returns the names that matched nothing.
 */
export function selectResources(
  resources: readonly ResourceMapping[],
  only: readonly string[] | undefined,
): { selected: readonly ResourceMapping[]; unknown: readonly string[] } {
  if (!only || only.length === 0) return { selected: resources, unknown: [] };
  const matches = (resource: ResourceMapping, name: string) =>
    resource.kind === name || resource.name === name || blueprintName(resource) === name;
  return {
    selected: resources.filter((resource) => only.some((name) => matches(resource, name))),
    unknown: only.filter((name) => !resources.some((resource) => matches(resource, name))),
  };
}
