import type { RelationTarget } from "../../db/queries/relation-issues";
import { hashCanonicalJson, toCanonicalJson } from "../canonical-json";

/** What a relation check reads besides the staged entities (whose changes discard its result: forgetRelationCheck). */
export interface RelationCheckInputs {
  /** The kinds whose entities it checks. */
  readonly kinds: readonly string[];
  /** Every blueprint relation and the blueprint it points at. */
  readonly targets: readonly RelationTarget[];
  readonly createMissingRelatedEntities: boolean;
  /** The identifiers of the target blueprints that Port is known to hold, in (blueprint, identifier) order. */
  readonly inPort: readonly { readonly blueprint: string; readonly identifier: string }[];
}

/** The hash of a relation check's inputs: equal hashes over the same staged entities give equal issues and hold-backs. */
export function hashRelationCheckInputs(inputs: RelationCheckInputs): string {
  return hashCanonicalJson(
    toCanonicalJson({
      kinds: [...inputs.kinds].sort(),
      targets: inputs.targets,
      createMissingRelatedEntities: inputs.createMissingRelatedEntities,
      inPort: inputs.inPort.map(({ blueprint, identifier }) => [blueprint, identifier]),
    }),
  );
}
