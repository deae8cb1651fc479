/** A relation `etl discover` proposes: a record field whose values are another kind's record ids. */
export interface DiscoveredRelation {
  /** The relation identifier in the blueprint and the mapping. */
  readonly name: string;
  /** The record field it comes from (`severity`, `team_ids`). */
  readonly field: string;
  readonly target: string;
  readonly many: boolean;
}

/** A record field left out of the proposal, and why. */
export interface SkippedField {
  readonly field: string;
  readonly reason: string;
}

/** What `etl discover` made of one kind's raw records. */
export interface DiscoverKindSummary {
  readonly kind: string;
  readonly name: string;
  /** The proposed blueprint's identifier; undefined when the kind has no raw records to learn from. */
  readonly blueprint: string | undefined;
  /** Raw records of the kind in the staging file, and how many of them were read. */
  readonly records: number;
  readonly sampled: number;
  readonly properties: number;
  readonly relations: readonly DiscoveredRelation[];
  readonly skipped: readonly SkippedField[];
}
