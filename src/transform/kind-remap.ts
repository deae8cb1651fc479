import type { RemapReason } from "../model/summary";

/** Which records of a kind the transform maps: all of them (and why), or those changed since staged. */
export type KindRemap = { readonly scope: "all"; readonly reason: RemapReason } | { readonly scope: "changed" };

export interface KindHistory {
  /** The mapping hash the kind's staged rows were made with; undefined when none were (or before it was kept). */
  readonly stagedWith: string | undefined;
  readonly mappingHash: string;
  /** --full-refresh. */
  readonly fullRefresh: boolean;
  /** A record of the kind lost an entity's key to another: who wins depends on the order of the whole kind. */
  readonly hasDuplicateIdentifiers: boolean;
}

/**
 * Whether a kind's unchanged records may keep their outcome: only when its rows were made with the
 * same mapping hash, no full refresh is asked for, and no duplicate identifier makes one record's
 * outcome depend on another's.
 */
export function decideKindRemap(history: KindHistory): KindRemap {
  if (history.fullRefresh) return { scope: "all", reason: "full-refresh" };
  if (history.stagedWith === undefined) return { scope: "all", reason: "first-transform" };
  if (history.stagedWith !== history.mappingHash) return { scope: "all", reason: "mapping-changed" };
  if (history.hasDuplicateIdentifiers) return { scope: "all", reason: "duplicate-identifiers" };
  return { scope: "changed" };
}
