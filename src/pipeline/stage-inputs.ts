import type { LoadInput } from "../load";
import type { Config } from "../model/config";
import type { ResourceMapping } from "../model/mapping";
import { packageVersion } from "../package-files";

const VERSION = packageVersion();

/** The User-Agent of both clients; Port derives an entity's `$datasource` from it, so it stays stable. */
export function userAgentFor(config: Config): string {
  return `incidentio-port-etl/${VERSION} (integration ${config.integration.identifier})`;
}

/** A run's options from the command line, defaults applied; recorded as they are in the run's row. */
export interface RunFlags {
  /** Kinds, short names or blueprints to narrow every stage to. */
  readonly only: readonly string[];
  readonly allowMassDelete: boolean;
  readonly reconcile: boolean;
  /** --full-refresh: extract every kind in full, even those due an incremental read; transform maps every record again; load reconciles. */
  readonly fullRefresh: boolean;
  /** --adopt-port: the staging file synced with another Port; bind it to the one configured now, and reconcile. */
  readonly adoptPort: boolean;
  /** --delete-removed-resources: delete the entities of resources no longer in the mapping. */
  readonly deleteRemovedResources: boolean;
  /** How many changes plan lists (--limit; Infinity for --all and --json); the load's default when absent. */
  readonly planLimit?: number | undefined;
  /** --push-mapping: replace the mapping of Port's integration with the named mapping file. */
  readonly pushMapping: boolean;
}

/** The flags of a run that asks for nothing: what `etl status` previews. */
export const NO_FLAGS: RunFlags = { only: [], allowMassDelete: false, reconcile: false, fullRefresh: false, adoptPort: false, deleteRemovedResources: false, pushMapping: false };

/** What one load is asked to do, beyond what the configuration says. */
export interface LoadRequest {
  readonly runId: number;
  /** The resources it covers (narrowed by --only). */
  readonly resources: readonly ResourceMapping[];
  readonly flags: RunFlags;
  /** Reconcile first: asked for, or the staging file was just adopted. */
  readonly reconcile: boolean;
  /** `etl plan` and `etl status`: diff and describe, write nothing to Port. */
  readonly dryRun: boolean;
  /** False for `etl status`, whose preview creates no blueprints and sends no examples even where the configuration would. */
  readonly mayInitialize: boolean;
}

/** The load stage's input: the configuration's Port, network, mapping and blueprints, and the request's options. Pure. */
export function buildLoadInput(config: Config, request: LoadRequest): LoadInput {
  return {
    runId: request.runId,
    port: config.port,
    network: config.network,
    userAgent: userAgentFor(config),
    integration: config.integration,
    mapping: config.mapping,
    resources: request.resources,
    blueprints: config.blueprints,
    initializePortResources: request.mayInitialize && config.initializePortResources,
    sendRawDataExamples: request.mayInitialize && config.sendRawDataExamples,
    allowMassDelete: request.flags.allowMassDelete,
    reconcile: request.reconcile,
    reconcileEveryHours: config.reconcileEveryHours,
    fullRefresh: request.flags.fullRefresh,
    deleteRemovedResources: request.flags.deleteRemovedResources,
    dryRun: request.dryRun,
    previewLimit: request.flags.planLimit,
  };
}
