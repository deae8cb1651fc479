import type { RelationTarget } from "../../db/queries/relation-issues";
import { hashCanonicalJson, toCanonicalJson } from "../canonical-json";

/** What a relation check depends on besides the staged entities (whose changes discard its result: forgetRelationCheck) and Port. */
export interface RelationCheckInputs {
  /** The kinds whose entities it checks. */
  readonly kinds: readonly string[];
  /** Every blueprint relation and the blueprint it points at. */
  readonly targets: readonly RelationTarget[];
  readonly createMissingRelatedEntities: boolean;
}

/** The hash of a relation check's inputs. */
export function hashRelationCheckInputs(inputs: RelationCheckInputs): string {
  return hashCanonicalJson(
    toCanonicalJson({ kinds: [...inputs.kinds].sort(), targets: inputs.targets, createMissingRelatedEntities: inputs.createMissingRelatedEntities }),
  );
}

/**
 * Per target blueprint, the hash of the identifiers Port is known to hold besides the staged ones
 * (`inPort`, in (blueprint, identifier) order); a blueprint with none hashes as the empty list.
 */
export function hashInPortByBlueprint(targets: readonly string[], inPort: readonly { readonly blueprint: string; readonly identifier: string }[]): Map<string, string> {
  const identifiers = new Map<string, string[]>(targets.map((target) => [target, []]));
  for (const { blueprint, identifier } of inPort) identifiers.get(blueprint)?.push(identifier);
  return new Map([...identifiers].map(([blueprint, list]) => [blueprint, hashCanonicalJson(toCanonicalJson(list))]));
}

/** Where the last relation check's result may no longer hold, besides the relations with issues (which are always checked again). */
export interface RelationCheckChanges {
  /** The relation check's inputs hash now. */
  readonly inputsHash: string;
  /** Per target blueprint, the hash of what Port holds now besides the staged entities (hashInPortByBlueprint). */
  readonly inPort: ReadonlyMap<string, string>;
  readonly createMissingRelatedEntities: boolean;
  /** Some kind's records were all mapped again (its entities, and whether they are pushable, may all differ). */
  readonly remappedWhole: boolean;
}

/**
 * How much of the relations the check reads: none (`keep`, the last check still holds: no staged entity
 * changed since and Port holds the same targets), only relations that may have changed (`changed`,
 * given the last check made before this transform), or every relation (`all`). Relations are checked
 * only in full when createMissingRelatedEntities is off: a hold-back may free or hold others in turn.
 */
export function decideRelationCheck(
  changes: RelationCheckChanges,
  last: { readonly atStart: { readonly inputsHash: string; readonly inPort: ReadonlyMap<string, string> } | undefined; readonly standing: boolean },
): { readonly scope: "keep" } | { readonly scope: "changed"; readonly inPortChanged: readonly string[] } | { readonly scope: "all" } {
  const { atStart } = last;
  if (atStart === undefined || atStart.inputsHash !== changes.inputsHash) return { scope: "all" };
  const inPortChanged = [...changes.inPort].filter(([blueprint, hash]) => atStart.inPort.get(blueprint) !== hash).map(([blueprint]) => blueprint);
  if (last.standing && inPortChanged.length === 0) return { scope: "keep" };
  if (!changes.createMissingRelatedEntities || changes.remappedWhole) return { scope: "all" };
  return { scope: "changed", inPortChanged };
}
