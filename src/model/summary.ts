/** How a kind was read: everything, or only what changed since the last complete read. */
export type ExtractMode = "full" | "incremental";

export interface ExtractKindSummary {
  readonly kind: string;
  readonly name: string;
  readonly status: "complete" | "failed";
  readonly mode: ExtractMode;
  /** For an incremental read: the `updated_at[gte]` value sent (a date or an RFC 3339 instant); for alerts, `created_at[gte]`'s date. */
  readonly since?: string;
  readonly pages: number;
  readonly records: number;
  readonly requests: number;
  /** Items of its pages that could not be stored as records (not objects, or without a usable id; listed in rejected_items). */
  readonly rejected: number;
  readonly durationMs: number;
  /** One line naming the endpoint, cursor and status of the failure. */
  readonly error?: string;
  /** One line about something that worked but deserves attention (the /v2 fallback of /v3/follow_ups). */
  readonly warning?: string;
}

export interface ExtractSummary {
  readonly runId: number;
  readonly kinds: readonly ExtractKindSummary[];
  readonly requests: number;
  readonly durationMs: number;
}

export interface TransformKindSummary {
  readonly kind: string;
  readonly name: string;
  readonly records: number;
  readonly entities: number;
  /** Records whose identifier came out null or empty, and records the selector did not keep. */
  readonly skipped: number;
  readonly filtered: number;
  /** Entities Port would reject (validation) or whose relation targets are missing with createMissingRelatedEntities off. */
  readonly heldBack: number;
  readonly mappingErrors: number;
  /**
   * Records read but not mapped (listed in unmapped_records): jq could not parse them or failed on
   * them, or their selector, itemsToParse, identifier or blueprint expression failed. Their entities
   * in Port are kept as last pushed. Absent from summaries written before it was counted.
   */
  readonly unmapped?: number;
  readonly danglingRelations: number;
  /**
   * Records sent through jq this run; the others' payload and mapping were unchanged since they were
   * staged, so their rows were kept. Absent from summaries written before only changes were mapped.
   */
  readonly mapped?: number;
  /** Why every record of the kind was mapped, when it was. */
  readonly remapped?: RemapReason;
  readonly durationMs: number;
}

/**
 * Why a transform mapped every record of a kind: asked to (`--full-refresh`), the kind was never
 * transformed with its mapping hash kept, its mapping (expressions, the blueprints it validates
 * against, jq's version) changed, or a duplicate identifier makes the outcome depend on record order.
 */
export type RemapReason = "full-refresh" | "first-transform" | "mapping-changed" | "duplicate-identifiers";

export interface TransformSummary {
  readonly runId: number;
  readonly kinds: readonly TransformKindSummary[];
  /** Staged entities per blueprint. */
  readonly blueprints: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

/**
 * Why deletions of a blueprint were not sent: a feeding kind's latest extract did not complete, or
 * completed incrementally (which cannot see deletions; the next full extract computes them), or
 * rejected items (one of them may be the record of an entity that would look deleted), or the
 * deletions exceed entityDeletionThreshold.
 */
export type DeleteBlock = "extract-incomplete" | "extract-incremental" | "extract-rejected" | "threshold";

export interface LoadBlueprintSummary {
  readonly blueprint: string;
  /** created, updated, deleted: what Port confirmed; in a dry run, what would be sent. */
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Entities Port rejected in this run (recorded in load_errors, retried next run). */
  readonly failed: number;
  /** Deletions planned but withheld, and why. */
  readonly deletesWithheld: number;
  readonly deleteBlock?: DeleteBlock;
  /** Staged entities Port would reject (transform held them back): neither pushed nor deleted. */
  readonly heldBack?: number;
  /**
   * Entities Port holds that are left exactly as last pushed, neither updated nor deleted: their
   * record was read but could not be mapped, or transform held their new version back.
   */
  readonly kept?: number;
  /** Entities a reconcile found deleted or changed in Port by hand (the load pushed them again). */
  readonly drifted?: number;
}

/**
 * Why a load reconciled with Port first: asked for (`--reconcile`, `--adopt-port`), a full refresh,
 * or on the schedule (ETL_RECONCILE_EVERY_HOURS): the last one is too old, or there never was one.
 */
export type ReconcileReason = "requested" | "full-refresh" | "schedule" | "never-reconciled";

/** The reconcile of a load, or in a dry run the one that is due. */
export interface ReconcileSummary {
  readonly reason: ReconcileReason;
  /** False when it was only due (a dry run sends no request to Port unless asked to reconcile). */
  readonly ran: boolean;
  /** Every blueprint of the mapping was read in full (and last_reconciled_at recorded). */
  readonly complete: boolean;
  /** Entities deleted or edited in Port by hand, which the load pushes again (counted per blueprint in `drifted`). */
  readonly drifted: number;
  /** The last complete reconcile before this load; null when there was none. */
  readonly lastReconciledAt: string | null;
}

/** Entities in Port from a resource no longer in the mapping: outside every load's diff until deleted. */
export interface RemovedResourceSummary {
  readonly blueprint: string;
  /** The kind they were staged or pushed from, when known. */
  readonly kind: string | null;
  readonly entities: number;
  /** Deleted by this load (`--delete-removed-resources`); in a dry run, what would be. */
  readonly deleted: number;
  /** Why they were not deleted: not asked to, or over entityDeletionThreshold without --allow-mass-delete. */
  readonly deleteBlock?: "not-requested" | "threshold";
}

/** One entity Port refused in a load, with Port's own words. */
export interface LoadFailure {
  readonly blueprint: string;
  readonly identifier: string;
  readonly operation: "upsert" | "delete";
  /** HTTP status Port gave that entity; undefined when no answer came. */
  readonly status: number | undefined;
  /** Port's `error` code and `message`. */
  readonly message: string;
}

/** One change `etl plan` shows: what would be sent, and for updates which fields differ from what Port holds. */
export interface PlannedChange {
  readonly operation: "create" | "update" | "delete";
  readonly blueprint: string;
  readonly identifier: string;
  /** For updates: `title`, `properties.status`, `relations.commander`, ... */
  readonly fields?: readonly string[];
}

/** What `etl plan` prints beyond the per-blueprint counts (which the dry run puts in `blueprints`). */
export interface PlanPreview {
  /** The first changes, in the order load would send them. */
  readonly changes: readonly PlannedChange[];
  readonly totalChanges: number;
}

export interface LoadSummary {
  readonly runId: number;
  readonly blueprints: readonly LoadBlueprintSummary[];
  /** HTTP requests made to Port, by purpose. */
  readonly requests: { readonly entityWrites: number; readonly other: number };
  readonly durationMs: number;
  /** True when nothing was sent (plan). */
  readonly dryRun: boolean;
  /** The first entities Port refused (all of them are in load_errors); counted per blueprint in `failed`. */
  readonly failures?: readonly LoadFailure[];
  /** Set by a dry run. */
  readonly plan?: PlanPreview;
  /** True when a signal stopped the load after the batches in flight; what Port confirmed is recorded. */
  readonly interrupted?: boolean;
  /** The reconcile with Port this load ran first, or that is due. */
  readonly reconcile?: ReconcileSummary;
  /** Entities in Port from resources no longer in the mapping. */
  readonly removedResources?: readonly RemovedResourceSummary[];
}

/** Where a run's mapping came from (see MappingSourceSummary). */
type MappingSource =
  /** Port's integration config, read by this run: the mapping users edit in Port's UI. */
  | "port"
  /** Port's integration config as an earlier command read it, kept in the staging file (this command does not talk to Port). */
  | "staging-file"
  /** The mapping file the user named. */
  | "file"
  /** The shipped default mapping: Port's integration had none (or none was read yet). */
  | "default";

/** The mapping a run used: its source, what the run did (or, for plan, would do) to Port's, and its kinds. */
export interface MappingSourceSummary {
  readonly source: MappingSource;
  /** The Port integration whose config is (or would be) the mapping. */
  readonly integration: string;
  /** The mapping file (file: as named; default: the shipped file). */
  readonly path?: string;
  /** When Port's config was read (port, staging-file). */
  readonly readAt?: string;
  /** What this run wrote to the integration's config: the file or default where Port had none, or the file by --push-mapping. */
  readonly portWrite?: "registered" | "pushed";
  /** What a plan would write there (it writes nothing). */
  readonly plannedPortWrite?: "register" | "push";
  /** One line for people, e.g. `Port integration my-integration (read 19:20 UTC)`. */
  readonly description: string;
  /** How the file's mapping differs from Port's, when it does and the run used or (would have) pushed it. */
  readonly changes?: readonly string[];
  /** The resources of the mapping, in its order: the summary table's rows. */
  readonly resources: readonly { readonly kind: string; readonly name: string; readonly blueprint: string }[];
}

/** serve's webhook inbox (db/queries/webhook-inbox.ts): what waits, and how far behind the last event was applied. */
export interface WebhookInboxSummary {
  readonly pending: number;
  readonly oldestPendingReceivedAt: string | null;
  readonly lastAppliedAt: string | null;
  /** applied_at − received_at of the event applied last: how far behind Incident.io serve was then. */
  readonly lastLagMs: number | null;
  readonly applied: number;
  /** Verified events of types serve does not apply, all types together. */
  readonly ignored: number;
}

export interface RunSummary {
  readonly runId: number;
  /** The mapping the run used; absent in summaries recorded before runs named it. */
  readonly mapping?: MappingSourceSummary;
  readonly status: "succeeded" | "failed" | "interrupted";
  readonly extract?: ExtractSummary;
  readonly transform?: TransformSummary;
  readonly load?: LoadSummary;
  readonly durationMs: number;
  readonly databasePath: string;
  readonly errors: readonly string[];
  /** serve's webhook inbox as the run ended, once the staging file has received any event. */
  readonly webhooks?: WebhookInboxSummary;
}
