import type { JsonObject } from "../json";
import type { IdKind, IncidentIoKind } from "../kinds";
import type { Rng } from "../random";
import type { IndexRange } from "../paging";
import type { ResolvedCounts } from "../scale";
import type { OrgConfig } from "./org";

/** A timestamp as a number (for filters) and as the text the API sends. */
export interface Stamp {
  readonly micros: number;
  readonly text: string;
}

/** What a record generator may read: everything else it derives from (seed, kind, index). */
/**
 * Which generated alerts are still open. `never-updated`: every alert that was never updated is firing
 * (a third of them), and every quirky one has the status outside the enum: the datasets every earlier
 * release and staging-file fixture was made against. `few`: about 2% are open, as in an organization
 * whose history dwarfs what is firing now, which is what the incremental read's cost depends on.
 */
export type OpenAlerts = "never-updated" | "few";

export interface GenerationContext {
  readonly seed: number;
  readonly openAlerts: OpenAlerts;
  /** Counts before any mutation. */
  readonly counts: ResolvedCounts;
  readonly org: OrgConfig;
  /** Generated plus added records of `kind` (deleted ones included: indexes are never reused). */
  total(kind: IncidentIoKind): number;
  id(kind: IdKind, index: number): string;
  /** A fresh stream for record `index`; `salt` gives independent streams for parts of one record. */
  rng(kind: IdKind, index: number, salt?: number): Rng;
  created(kind: IncidentIoKind, index: number): Stamp;
  updated(kind: IncidentIoKind, index: number): Stamp;
  /** Fields a mutation changed on record `index`, if any. */
  patch(kind: IncidentIoKind, index: number): JsonObject | undefined;
  /** The catalog type (index) entry `index` belongs to. */
  catalogTypeOfEntry(index: number): number;
  /** The generated entries of catalog type `type` (entries added later lie beyond every type's range). */
  entryRange(type: number): IndexRange;
  /** The incident (index) follow-up `index` belongs to. */
  incidentOfFollowUp(index: number): number;
}

/** Extra options a list request passes to the generator. */
export interface RenderHints {
  /** The request's page size; schedules send `next_shifts` only up to 25. */
  readonly pageSize?: number;
}

/** A generator turns an index into the record the API would return for it, before mutations. */
export type RecordGenerator = (ctx: GenerationContext, index: number, hints: RenderHints) => JsonObject;
