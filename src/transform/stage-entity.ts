import type { Blueprint } from "../model/blueprint";
import { hashCanonicalJson, toCanonicalJson } from "../canonical-json";
import type { DraftEntity } from "./interpret-output";
import { listEntityProblems, type EntityBody } from "./validate-entity";

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
  // Keys in code unit order, as canonical JSON writes them, so that it need not copy the entity.
  const { optional } = draft;
  const entity: EntityBody & { blueprint: string } = {
    blueprint: draft.blueprint,
    ...("icon" in optional ? { icon: optional.icon } : {}),
    identifier: draft.identifier,
    properties: draft.properties,
    relations: draft.relations,
    ...("team" in optional ? { team: optional.team } : {}),
    ...("title" in optional ? { title: optional.title } : {}),
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
