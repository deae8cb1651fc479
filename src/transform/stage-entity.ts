import type { Blueprint } from "../model/blueprint";
import { hashCanonicalJson, toCanonicalJson } from "./canonical-json";
import type { DraftEntity } from "./interpret-output";
import { listEntityProblems } from "./validate-entity";

/** An entity ready for staged_entities: keyed, canonical, hashed, and held back when Port would refuse it. */
export interface StagedEntity {
  readonly blueprint: string;
  /** The identifier as text; a non-string identifier (held back) is keyed by its JSON. */
  readonly identifier: string;
  readonly entityJson: string;
  readonly hash: string;
  readonly heldBackReason: string | null;
}

/**
 * Turns a mapped entity into its staged form, or an error message when it cannot be staged at all
 * (a blueprint that is not a string). The entity holds identifier, blueprint, the optional keys the
 * mapping names, properties and relations; validation problems become the held-back reason.
 */
export function stageEntity(draft: DraftEntity, blueprints: ReadonlyMap<string, Blueprint>): StagedEntity | { readonly error: string } {
  if (typeof draft.blueprint !== "string") return { error: `blueprint must be a string, got ${JSON.stringify(draft.blueprint)}` };
  const entity = {
    identifier: draft.identifier,
    blueprint: draft.blueprint,
    ...draft.optional,
    properties: draft.properties,
    relations: draft.relations,
  };
  const problems = listEntityProblems(entity, blueprints.get(draft.blueprint));
  const entityJson = toCanonicalJson(entity);
  return {
    blueprint: draft.blueprint,
    identifier: typeof draft.identifier === "string" ? draft.identifier : JSON.stringify(draft.identifier),
    entityJson,
    hash: hashCanonicalJson(entityJson),
    heldBackReason: problems.length > 0 ? problems.join("; ") : null,
  };
}
