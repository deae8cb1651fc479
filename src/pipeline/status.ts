import { existsSync, statSync } from "node:fs";
import { asDamagedStagingFile, openDatabase, type StagingDb } from "../../db/database";
import { listRecentRuns } from "../../db/queries/runs";
import { countStagedEntities } from "../../db/queries/staged-entities";
import { countRowsByKind } from "../../db/queries/rows-by-kind";
import { listUnmappedRecords, type UnmappedRecordListing } from "../../db/queries/unmapped-records";
import { listLatestRejectedItems } from "../../db/queries/rejected-items";
import { readPortBinding, type PortBinding } from "../../db/queries/port-binding";
import { readInboxStatus, type InboxStatus } from "../../db/queries/webhook-inbox";
import { listStoredPortMappings } from "../../db/queries/port-mapping";
import {
  listHeldBack,
  listKindOverview,
  listLatestLoadErrors,
  listLatestMappingErrors,
  listLatestRelationIssues,
  readLockHolder,
} from "../../db/queries/status";
import { ConfigError } from "../errors";
import { createJqRunner } from "../jq/jq-runner";
import { load } from "../load";
import type { Config } from "../model/config";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
import { SILENT_PROGRESS } from "../model/progress";
import type { LoadSummary, MappingSourceSummary } from "../model/summary";
import { resolveMapping } from "./mapping-source";
import { buildLoadInput, NO_FLAGS } from "./stage-inputs";

const LATEST = 10;
/** Unmapped records listed per kind; the kinds table counts them all. */
const UNMAPPED_PER_KIND = 5;

/** A mapping of Port's kept in the staging file (port_mapping), as status lists it. */
type KeptMapping = Awaited<ReturnType<typeof listStoredPortMappings>>[number];

interface KindStatus {
  readonly kind: string;
  readonly name: string;
  readonly rawRecords: number;
  readonly lastExtract?: { status: string; mode: string; finishedAt: string | null; records: number; rejected: number; error: string | null };
  readonly staged: number;
  readonly heldBack: number;
  readonly mappingErrors: number;
  /** Records read but not mapped: their entities in Port are kept as last pushed. */
  readonly unmapped: number;
  readonly danglingRelations: number;
}

export interface StatusReport {
  readonly databasePath: string;
  readonly exists: boolean;
  readonly fileBytes: number;
  readonly jqVersion: string | undefined;
  readonly lockHolder: string | undefined;
  /** The Port the file syncs with (undefined until a load reaches one), and when it was last reconciled. */
  readonly portBinding: PortBinding | undefined;
  /**
   * The mapping extract, transform and plan would use now (Port's as last read, a named file, or the
   * default), or, when nothing of the configured integration is kept, the latest kept for another (its
   * description says so); undefined without a staging file.
   */
  readonly mapping: MappingSourceSummary | undefined;
  /** The mappings of Port's integrations the staging file keeps, one per integration, the latest read first. */
  readonly portMappings: readonly KeptMapping[];
  readonly runs: Awaited<ReturnType<typeof listRecentRuns>>;
  readonly kinds: readonly KindStatus[];
  /** What `etl load` would do now (a dry run of the load stage: no Port request), with a reconcile due and removed resources. */
  readonly pending: LoadSummary | undefined;
  readonly mappingErrors: Awaited<ReturnType<typeof listLatestMappingErrors>>;
  readonly relationIssues: Awaited<ReturnType<typeof listLatestRelationIssues>>;
  readonly loadErrors: Awaited<ReturnType<typeof listLatestLoadErrors>>;
  readonly heldBack: Awaited<ReturnType<typeof listHeldBack>>;
  /** The first unmapped records of each kind, with their reasons. */
  readonly unmappedRecords: readonly UnmappedRecordListing[];
  /** The latest items extracted pages held that could not be stored as records. */
  readonly rejectedItems: Awaited<ReturnType<typeof listLatestRejectedItems>>;
  /** serve's webhook inbox: its backlog, how old its oldest pending event is now, and the last event's lag; undefined without a staging file. */
  readonly webhooks: WebhookInboxStatus | undefined;
}

export interface WebhookInboxStatus extends InboxStatus {
  /** How long the oldest pending event has waited, when status read it. */
  readonly oldestPendingAgeMs: number | null;
}

/** Counts per kind of the mapping: raw records, its latest extract, staged and held-back entities, and problems. */
async function readKindStatus(db: StagingDb, resources: readonly ResourceMapping[]): Promise<KindStatus[]> {
  const kinds = resources.map((r) => r.kind);
  const [overview, staged, errors, dangling] = await Promise.all([
    listKindOverview(db),
    countStagedEntities(db, kinds),
    countRowsByKind(db, "mapping_errors", kinds),
    countRowsByKind(db, "relation_issues", kinds),
  ]);
  const unmapped = await countRowsByKind(db, "unmapped_records", kinds);
  return resources.map((resource): KindStatus => {
    const extract = overview.latestExtract.get(resource.kind);
    const stagedRows = staged.filter((s) => s.kind === resource.kind);
    return {
      kind: resource.kind,
      name: resource.name,
      rawRecords: overview.rawByKind.get(resource.kind) ?? 0,
      ...(extract
        ? { lastExtract: { status: extract.status, mode: extract.mode, finishedAt: extract.finished_at, records: extract.records, rejected: extract.rejected, error: extract.error } }
        : {}),
      staged: stagedRows.reduce((n, s) => n + s.entities, 0),
      heldBack: stagedRows.reduce((n, s) => n + s.held_back, 0),
      mappingErrors: errors.get(resource.kind) ?? 0,
      unmapped: unmapped.get(resource.kind) ?? 0,
      danglingRelations: dangling.get(resource.kind) ?? 0,
    };
  });
}

/**
 * What status adds to the latest mapping kept for another integration than the configured one. Pure.
 */
function describeOtherIntegration(configured: string, kept: string): string {
  return `the latest the staging file keeps; this configuration's integration, ${configured}, has none read yet: set OCEAN__INTEGRATION__IDENTIFIER=${kept} for extract, transform and plan to map with it`;
}

/**
 * The mapping status shows. Status is often run without the environment of the runs (it needs no
 * credentials), so when nothing of the configured integration is kept but another's is, it shows the
 * latest kept, naming both integrations, rather than the default those runs did not use.
 */
async function resolveKeptMapping(db: StagingDb, config: Config, kept: readonly KeptMapping[]): Promise<{ mapping: PortAppConfig; summary: MappingSourceSummary }> {
  const resolved = await resolveConfiguredMapping(db, config);
  const latest = kept[0];
  if (resolved.summary.source !== "default" || latest === undefined) return resolved;
  const other = await resolveConfiguredMapping(db, { ...config, integration: { ...config.integration, identifier: latest.integration } });
  return { ...other, summary: { ...other.summary, description: `${other.summary.description}; ${describeOtherIntegration(config.integration.identifier, latest.integration)}` } };
}

/**
 * The mapping a command that does not talk to Port would run with now. One that no longer loads (Port
 * held an invalid mapping when it was last read) is named in the description, and the configured
 * mapping's kinds are shown instead.
 */
async function resolveConfiguredMapping(db: StagingDb, config: Config): Promise<{ mapping: PortAppConfig; summary: MappingSourceSummary }> {
  try {
    return await resolveMapping(db, { config, client: undefined, push: false, writes: false, warn: () => undefined });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const description = `Port integration ${config.integration.identifier} config kept in the staging file does not load: ${error.issues[0] ?? error.message}`;
    return { mapping: config.mapping, summary: { source: "staging-file", integration: config.integration.identifier, description, resources: [] } };
  }
}

async function readWebhookInbox(db: StagingDb): Promise<WebhookInboxStatus> {
  const inbox = await readInboxStatus(db);
  const oldest = inbox.oldestPendingReceivedAt;
  return { ...inbox, oldestPendingAgeMs: oldest === null ? null : Math.max(0, Date.now() - Date.parse(oldest)) };
}

/**
 * Reads what `etl status` shows from the staging file, opened read-only (never migrated, never
 * chmod'ed), without calling any API: recent runs, counts per kind, the Port it syncs with, the
 * changes a load would make now, and the latest problems. Throws DamagedStagingFileError for a damaged
 * file, StagingFileError for one that needs a migration.
 */
export async function readStatus(config: Config, runLimit: number): Promise<StatusReport> {
  const jqVersion = config.jqPath ? (await createJqRunner(config.jqPath)).version : undefined;
  const empty = { runs: [], kinds: [], pending: undefined, mappingErrors: [], relationIssues: [], loadErrors: [], heldBack: [], rejectedItems: [], unmappedRecords: [] };
  if (!existsSync(config.databasePath)) {
    return {
      databasePath: config.databasePath,
      exists: false,
      fileBytes: 0,
      jqVersion,
      lockHolder: undefined,
      portBinding: undefined,
      mapping: undefined,
      portMappings: [],
      webhooks: undefined,
      ...empty,
    };
  }
  const opened = openDatabase(config.databasePath, { readonly: true });
  try {
    const { db } = opened;
    const portMappings = await listStoredPortMappings(db);
    const resolved = await resolveKeptMapping(db, config, portMappings);
    const resources = resolved.mapping.resources;
    const kinds = resources.map((r) => r.kind);
    const [kindStatus, lock] = await Promise.all([readKindStatus(db, resources), readLockHolder(db)]);
    // A dry run of the load stage as `etl plan` would run it, without initializing anything in Port.
    const pending = await load(
      { db, progress: SILENT_PROGRESS },
      buildLoadInput({ ...config, mapping: resolved.mapping }, { runId: 0, resources, flags: NO_FLAGS, reconcile: false, dryRun: true, mayInitialize: false }),
    );
    return {
      databasePath: config.databasePath,
      exists: true,
      fileBytes: statSync(config.databasePath).size,
      jqVersion,
      lockHolder: lock ? `pid ${lock.pid} since ${lock.acquired_at}` : undefined,
      portBinding: await readPortBinding(db),
      mapping: resolved.summary,
      portMappings,
      runs: await listRecentRuns(db, runLimit),
      kinds: kindStatus,
      pending,
      mappingErrors: await listLatestMappingErrors(db, LATEST),
      relationIssues: await listLatestRelationIssues(db, LATEST),
      loadErrors: await listLatestLoadErrors(db, LATEST),
      heldBack: await listHeldBack(db, LATEST),
      rejectedItems: await listLatestRejectedItems(db, LATEST),
      unmappedRecords: await listUnmappedRecords(db, kinds, UNMAPPED_PER_KIND),
      webhooks: await readWebhookInbox(db),
    };
  } catch (error) {
    throw asDamagedStagingFile(error, config.databasePath);
  } finally {
    await opened.close();
  }
}
