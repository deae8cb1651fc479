import type { RelationTarget } from "../../db/queries/relation-issues";

// Distinct values kept per relation: enough for every user, team or incident an organization has,
// at a few MB; a relation with more is checked in full instead.
const MAX_VALUES_PER_RELATION = 50_000;

/** The distinct identifiers a relation of a blueprint pointed at, or undefined when there were too many to keep. */
export interface ReferencedValues {
  readonly definition: RelationTarget;
  readonly values: readonly string[] | undefined;
}

interface Collected {
  readonly definition: RelationTarget;
  values: Set<string> | undefined;
}

/**
 * Collects, as entities are staged, which identifiers each blueprint relation points at, so that the
 * relation check afterwards looks each distinct target up once and reads the staged entities of a
 * relation again only when one of its targets is missing. Values are taken as the check reads them:
 * a string, or the strings of an array.
 */
export class ReferencedTargets {
  private readonly byBlueprint = new Map<string, Map<string, Collected>>();

  constructor(definitions: readonly RelationTarget[]) {
    for (const definition of definitions) {
      const relations = this.byBlueprint.get(definition.blueprint) ?? new Map<string, Collected>();
      relations.set(definition.relation, { definition, values: new Set() });
      this.byBlueprint.set(definition.blueprint, relations);
    }
  }

  add(blueprint: string, relations: Readonly<Record<string, unknown>>): void {
    const collected = this.byBlueprint.get(blueprint);
    if (collected === undefined) return;
    for (const key in relations) {
      const relation = collected.get(key);
      if (relation?.values === undefined) continue;
      const value = relations[key];
      if (typeof value === "string") relation.values.add(value);
      else if (Array.isArray(value)) for (const item of value) if (typeof item === "string") relation.values.add(item);
      if (relation.values.size > MAX_VALUES_PER_RELATION) relation.values = undefined;
    }
  }

  list(): ReferencedValues[] {
    return [...this.byBlueprint.values()].flatMap((relations) =>
      [...relations.values()].map(({ definition, values }) => ({ definition, values: values && [...values] })),
    );
  }
}
