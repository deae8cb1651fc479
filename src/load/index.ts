import type { StagingDb } from "../../db/database";
import { listLatestExtractStatus, listRawExamples } from "../../db/queries/load-inputs";
import { listDeletionPage, listUpsertPage, tallySnapshot, tallyStagedEntities, type StagedTallyRow } from "../../db/queries/load-plan";
import { readSnapshotEntities } from "../../db/queries/port-snapshot";
import type { RelationDefinition } from "../../db/queries/snapshot-relations";
import { countSnapshotRows, readPortBinding, recordPortBinding, recordReconciled, tallyRemovedResources, type MappingCoverage, type PortBinding } from "../../db/queries/port-binding";
import { countDriftedEntities, dropUnchangedEntities, noteUnchangedEntities } from "../../db/queries/reconcile-drift";
import { StageFailedError } from "../errors";
import type { Blueprint } from "../model/blueprint";
import type { NetworkSettings, PageBoundSettings, PortSettings } from "../model/config";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
import type { Progress } from "../model/progress";
import type { LoadBlueprintSummary, LoadSummary, PlannedChange, PlanPreview, ReconcileReason, ReconcileSummary, RemovedResourceSummary } from "../model/summary";
import { ensureBlueprints, RAW_EXAMPLES_PER_KIND, registerIntegration, sendRawExamples } from "./initialize";
import type { BlueprintCounts } from "./load-tally";
import { applyWrites } from "./loader";
import { decideExtractBlock, listChangedFields, listFeedingKinds, listScopeBlueprints, planLoad, type BlueprintPlan } from "./plan";
import { createPortClient, type PortClient } from "./port-client";
import { reconcileBlueprint, type ReconcileTally } from "./reconcile";
import { decideReconcileReason } from "./reconcile-schedule";
import { deleteRemovedResources, planRemovedResources } from "./removed-resources";
import { orderBlueprintLevels } from "./relation-order";

/** Bulk requests in flight at once: enough to hide Port's latency, few enough to stay far from its rate limit. */
const CONCURRENCY = 4;
/** Changes `etl plan` lists one by one, unless asked for another number (or every one). */
const PREVIEW_LIMIT = 20;
/** Rows read at once while listing the changes. */
const PREVIEW_PAGE = 1000;

export interface LoadDeps {
  readonly db: StagingDb;
  readonly progress: Progress;
  /** SIGTERM: finish the batches in flight, record what Port confirmed, stop. */
  readonly signal?: AbortSignal | undefined;
}

export interface LoadInput {
  readonly runId: number;
  readonly port: PortSettings;
  readonly network: NetworkSettings;
  readonly userAgent: string;
  readonly integration: { readonly identifier: string; readonly type: string };
  /** The whole mapping: its flags, and every kind (to know which kinds feed a blueprint). */
  readonly mapping: PortAppConfig;
  /** The resources this run covers (narrowed by --only). */
  readonly resources: readonly ResourceMapping[];
  readonly blueprints: readonly Blueprint[];
  readonly initializePortResources: boolean;
  readonly sendRawDataExamples: boolean;
  readonly allowMassDelete: boolean;
  /** Rebuild the snapshot from Port before diffing, so edits made in Port by hand are repaired. */
  readonly reconcile: boolean;
  /** ETL_RECONCILE_EVERY_HOURS: reconcile first when the last complete reconcile is older (absent or 0: only when asked). */
  readonly reconcileEveryHours?: number | undefined;
  /** --full-refresh: reconcile first too, so that Port ends exact. */
  readonly fullRefresh?: boolean | undefined;
  /** --delete-removed-resources: delete the entities of resources no longer in the mapping (under the same threshold rules). */
  readonly deleteRemovedResources?: boolean | undefined;
  /** `etl plan`: diff and describe, write nothing to Port. */
  readonly dryRun: boolean;
  /** How many changes a dry run lists (default 20); Infinity lists every one (plan --all, --json). */
  readonly previewLimit?: number | undefined;
}

/**
 * The load stage: diffs `staged_entities` against `port_snapshot` for the blueprints of the
 * selected resources and pushes only the differences to Port, recording every confirmed batch in
 * the snapshot and every refused entity in `load_errors` (retried next run). Deletions wait for
 * complete extracts of every kind feeding a blueprint and stay under `entityDeletionThreshold`
 * per blueprint unless `allowMassDelete`. With `initializePortResources`, missing blueprints are
 * created and the integration registered first. The first load that reaches Port binds the
 * staging file to it (port_binding). The snapshot is rebuilt from Port first (reconcile) when
 * asked, on a full refresh, or when the last complete reconcile is older than `reconcileEveryHours`
 * (decideReconcileReason), and the summary counts the drift found; a dry run only says one is due.
 * Entities of resources no longer in the mapping are listed in the summary, and deleted before the
 * plan with `deleteRemovedResources` (threshold rules apply). With `dryRun`, nothing is sent (no
 * Port request at all unless reconciling) and the summary carries a preview. Throws ConfigError
 * for missing or refused credentials or blueprint definitions Port refuses, and StageFailedError
 * (with the partial summary) when Port cannot be reached after retries.
 */
export async function load(deps: LoadDeps, input: LoadInput): Promise<LoadSummary> {
  const { db, progress } = deps;
  const warn = (message: string): void => progress.report({ type: "warning", stage: "load", message });
  const started = Date.now();
  let stagedTallies = await tallyStagedEntities(db);
  const scope = listScopeBlueprints(input.resources, stagedTallies);
  progress.report({ type: "stage-start", stage: "load", kinds: scope });
  const client = !input.dryRun || input.reconcile ? createPortClient({ port: input.port, network: input.network, userAgent: input.userAgent, signal: deps.signal, onWait: warn }) : undefined;
  try {
    const run: LoadRun = { deps, input, client, warn, started, scope };
    const connection = await connectToPort(run);
    const reconciled = await reconcileIfDue(run, stagedTallies, connection);
    // Reconcile rewrote the snapshot the creates and updates were counted against.
    if (reconciled.reconcile?.ran) stagedTallies = await tallyStagedEntities(db);
    const coverage: MappingCoverage = { kinds: input.mapping.resources.map((resource) => resource.kind), blueprints: listScopeBlueprints(input.mapping.resources, stagedTallies) };
    const removedResources = planRemovedResources(await tallyRemovedResources(db, coverage), {
      deleteRequested: input.deleteRemovedResources ?? false,
      threshold: input.mapping.entityDeletionThreshold,
      allowMassDelete: input.allowMassDelete,
    });
    const removal = await deleteRemovedFirst(run, coverage, removedResources);
    if (removal.forgotten > 0) {
      stagedTallies = await tallyStagedEntities(db);
      warn(`Port deleted ${removal.forgotten} entities along with those of resources no longer in the mapping (deleteDependentEntities); the staged ones are sent again`);
    }
    const planned = await orderPlans(db, input, stagedTallies, scope);
    const finish = (summary: LoadSummary, removed: readonly RemovedResourceSummary[]): LoadSummary => addReconcileAndRemovals(summary, reconciled, removed);
    if (input.dryRun || !client) {
      const summary = finish(summarize(input, planned.ordered, undefined, started, client), removedResources);
      progress.report({ type: "stage-end", stage: "load", ok: true });
      return { ...summary, plan: await previewChanges(db, planned.levels, planned.selectedKinds, input.previewLimit ?? PREVIEW_LIMIT) };
    }
    if (input.sendRawDataExamples && connection.integrationReady && !deps.signal?.aborted) {
      const kinds = await Promise.all(input.resources.map(async (resource) => ({ kind: resource.kind, examples: await listRawExamples(db, resource.kind, RAW_EXAMPLES_PER_KIND) })));
      for (const warning of await sendRawExamples(client, input.integration.identifier, kinds)) warn(warning);
    }
    return await pushPlan({ ...run, client }, planned, removal, (summary) => finish(summary, settleRemovedResources(removedResources, removal.deleted)));
  } finally {
    client?.close();
  }
}

/** What the phases of one load share. */
interface LoadRun {
  readonly deps: LoadDeps;
  readonly input: LoadInput;
  /** Absent on a dry run that does not reconcile: no Port request at all. */
  readonly client: PortClient | undefined;
  readonly warn: (message: string) => void;
  readonly started: number;
  /** The blueprints of the selected resources. */
  readonly scope: readonly string[];
}

interface PortConnection {
  readonly binding: PortBinding | undefined;
  readonly reconcileReason: ReconcileReason | undefined;
  /** False when registering the integration failed (warned): raw examples are not sent then. */
  readonly integrationReady: boolean;
}

/**
 * Decides whether a reconcile is due, then (with a client) binds the staging file to Port and, when
 * initialisation is on and this is no dry run, ensures the blueprints and registers the integration.
 */
async function connectToPort(run: LoadRun): Promise<PortConnection> {
  const { deps, input, client } = run;
  const binding = await readPortBinding(deps.db);
  const snapshotRows = await countSnapshotRows(deps.db);
  const reconcileReason = decideReconcileReason({
    requested: input.reconcile,
    fullRefresh: input.fullRefresh ?? false,
    everyHours: input.reconcileEveryHours ?? 0,
    binding,
    snapshotRows,
    now: Date.now(),
  });
  // The first load that reaches Port binds the file to it (runPipeline refuses another Port before any stage).
  if (client) await bindToPort(deps.db, client, input.port, snapshotRows);
  let integrationReady = true;
  if (client && !input.dryRun && input.initializePortResources) {
    await ensureBlueprints(client, deps.db, input.blueprints, input.runId);
    const registered = await registerIntegration(client, input.integration, input.mapping);
    if (registered.warning) {
      integrationReady = false;
      run.warn(registered.warning);
    }
  }
  return { binding, reconcileReason, integrationReady };
}

interface Reconciled {
  readonly reconcile: ReconcileSummary | undefined;
  /** Per blueprint, the entities the reconcile found drifted. */
  readonly drift: ReadonlyMap<string, number>;
}

/** Reconciles the scope with Port when one is due and there is a client; a dry run without one only says it is due. */
async function reconcileIfDue(run: LoadRun, stagedTallies: readonly StagedTallyRow[], connection: PortConnection): Promise<Reconciled> {
  const { reconcileReason: reason, binding } = connection;
  if (!reason) return { reconcile: undefined, drift: new Map() };
  const lastReconciledAt = binding?.lastReconciledAt ?? null;
  if (!run.client) return { reconcile: { reason, ran: false, complete: false, drifted: 0, lastReconciledAt }, drift: new Map() };
  return reconcileWithPort(run.deps, run.client, run.input, run.scope, stagedTallies, reason, lastReconciledAt);
}

/** The summary with the drift of each blueprint, the reconcile and the removed resources, where there are any. */
function addReconcileAndRemovals(summary: LoadSummary, reconciled: Reconciled, removed: readonly RemovedResourceSummary[]): LoadSummary {
  const { drift, reconcile } = reconciled;
  return {
    ...summary,
    blueprints: summary.blueprints.map((blueprint) => (drift.has(blueprint.blueprint) ? { ...blueprint, drifted: drift.get(blueprint.blueprint) ?? 0 } : blueprint)),
    ...(reconcile ? { reconcile } : {}),
    ...(removed.length > 0 ? { removedResources: removed } : {}),
  };
}

type Removal = Awaited<ReturnType<typeof deleteRemovedResources>>;

/**
 * Before the plan, deletes the entities of resources no longer in the mapping (when asked and
 * allowed): what Port deletes along with them (deleteDependentEntities) leaves the snapshot, so this
 * run's plan sends it again. Nothing on a dry run or after a signal.
 */
async function deleteRemovedFirst(run: LoadRun, coverage: MappingCoverage, removedResources: readonly RemovedResourceSummary[]): Promise<Removal> {
  const { deps, input, client } = run;
  if (!client || input.dryRun || deps.signal?.aborted) return { deleted: new Map<string, number>(), forgotten: 0 };
  return deleteRemovedResources({ db: deps.db, client, runId: input.runId, signal: deps.signal }, coverage, removedResources, {
    deleteDependents: input.mapping.deleteDependentEntities,
    relations: listRelationDefinitions(input.blueprints),
  });
}

interface OrderedPlans {
  /** Blueprint plans by relation level, targets first. */
  readonly levels: BlueprintPlan[][];
  /** The levels flattened: summaries list blueprints in the order their upserts go. */
  readonly ordered: BlueprintPlan[];
  readonly planBy: ReadonlyMap<string, BlueprintPlan>;
  readonly relations: RelationDefinition[];
  readonly selectedKinds: string[];
}

/** Plans each blueprint of the scope and orders the plans by relation level. */
async function orderPlans(db: StagingDb, input: LoadInput, stagedTallies: readonly StagedTallyRow[], scope: readonly string[]): Promise<OrderedPlans> {
  const plans = await planScope(db, input, stagedTallies, scope);
  const planBy = new Map(plans.map((plan) => [plan.blueprint, plan]));
  const relations = listRelationDefinitions(input.blueprints);
  const levels = orderBlueprintLevels(scope, (blueprint) => relations.filter((relation) => relation.blueprint === blueprint).map((relation) => relation.target)).map(
    (level) => level.map((blueprint) => planBy.get(blueprint) as BlueprintPlan),
  );
  return { levels, ordered: levels.flat(), planBy, relations, selectedKinds: input.resources.map((resource) => resource.kind) };
}

/**
 * Applies the plan (unless deleting removed resources already found Port unreachable), reports each
 * blueprint, and returns the summary `finish` completes. Throws StageFailedError, with that summary,
 * when Port could not be reached.
 */
async function pushPlan(run: LoadRun & { readonly client: PortClient }, planned: OrderedPlans, removal: Removal, finish: (summary: LoadSummary) => LoadSummary): Promise<LoadSummary> {
  const { deps, input, client } = run;
  const { planBy } = planned;
  for (const plan of planned.ordered) reportBlueprint(deps, plan, undefined, "running");
  const applied = removal.fatal
    ? { counts: new Map<string, BlueprintCounts>(), failures: [], interrupted: false, recreated: 0 }
    : await applyWrites(
        { db: deps.db, client, runId: input.runId, signal: deps.signal, onBatch: (blueprint, counts) => reportBlueprint(deps, planBy.get(blueprint), counts, "running") },
        {
          flags: { merge: input.mapping.enableMergeEntity, createMissingRelatedEntities: input.mapping.createMissingRelatedEntities },
          deleteDependents: input.mapping.deleteDependentEntities,
          concurrency: CONCURRENCY,
          relations: planned.relations,
          kinds: planned.selectedKinds,
        },
        planned.levels,
      );
  const fatal = removal.fatal ?? applied.fatal;
  const summary = finish({ ...summarize(input, planned.ordered, applied.counts, run.started, client), failures: applied.failures, ...(applied.interrupted ? { interrupted: true } : {}) });
  if (applied.recreated > 0) {
    run.warn(`Port deleted ${applied.recreated} staged entities along with entities deleted from the source (deleteDependentEntities); they were sent again`);
  }
  let ok = fatal === undefined;
  for (const blueprint of summary.blueprints) {
    const failed = blueprint.failed > 0 || blueprint.deleteBlock === "threshold";
    if (failed) ok = false;
    reportBlueprint(deps, planBy.get(blueprint.blueprint), applied.counts.get(blueprint.blueprint), failed ? "failed" : "done");
  }
  deps.progress.report({ type: "stage-end", stage: "load", ok });
  if (fatal) {
    throw new StageFailedError("load", `Port could not be reached, the load stopped after the batches in flight: ${fatal.message}`, summary, { cause: fatal });
  }
  return summary;
}

async function reconcileScope(deps: LoadDeps, client: PortClient, runId: number, scope: readonly string[], pageBound: PageBoundSettings): Promise<ReconcileTally[]> {
  const tallies: ReconcileTally[] = [];
  for (const blueprint of scope) {
    if (deps.signal?.aborted) return tallies;
    const tally = await reconcileBlueprint({ db: deps.db, client, signal: deps.signal, pageBound }, blueprint, { runId, at: new Date().toISOString() });
    tallies.push(tally);
    deps.progress.report({
      type: "kind",
      stage: "load",
      kind: blueprint,
      entities: tally.inPort,
      state: "running",
      message: `reconciled with Port: ${tally.written} differed or were unknown, ${tally.forgotten} gone from Port, ${tally.ignored} not ours (left alone)`,
    });
  }
  return tallies;
}

/**
 * Binds the staging file to the Port of `port` when it has no binding yet (with the organization
 * id its access token names), or fills in that id. A file that has pushed nothing yet starts its
 * reconcile clock now: Port holds nothing it knows of that could have drifted.
 */
async function bindToPort(db: StagingDb, client: PortClient, port: PortSettings, snapshotRows: number): Promise<void> {
  const organizationId = await client.organizationId();
  const at = new Date().toISOString();
  await recordPortBinding(db, { baseUrl: port.baseUrl, clientId: port.clientId ?? "", organizationId, at, lastReconciledAt: snapshotRows === 0 ? at : null });
}

/**
 * Rebuilds the snapshot of `scope` from Port and counts, per blueprint, the drift it found: entities
 * the diff held unchanged that Port lost or holds otherwise (the load pushes them again). When every
 * blueprint of the whole mapping was read in full, records the reconcile's start as last_reconciled_at.
 */
async function reconcileWithPort(
  deps: LoadDeps,
  client: PortClient,
  input: LoadInput,
  scope: readonly string[],
  stagedTallies: readonly StagedTallyRow[],
  reason: ReconcileReason,
  lastReconciledAt: string | null,
): Promise<{ reconcile: ReconcileSummary; drift: Map<string, number> }> {
  const startedAt = new Date().toISOString();
  await noteUnchangedEntities(deps.db, scope, input.resources.map((resource) => resource.kind));
  try {
    const tallies = await reconcileScope(deps, client, input.runId, scope, input.port.pageBound);
    const drift = await countDriftedEntities(deps.db);
    const readInFull = new Set(tallies.filter((tally) => tally.complete).map((tally) => tally.blueprint));
    const complete = !deps.signal?.aborted && listScopeBlueprints(input.mapping.resources, stagedTallies).every((blueprint) => readInFull.has(blueprint));
    if (complete) await recordReconciled(deps.db, startedAt);
    const drifted = [...drift.values()].reduce((sum, count) => sum + count, 0);
    return { reconcile: { reason, ran: true, complete, drifted, lastReconciledAt }, drift };
  } finally {
    await dropUnchangedEntities(deps.db);
  }
}

/** The removed-resource plans with what Port confirmed deleted, per blueprint, shared out over its kinds in plan order. */
function settleRemovedResources(plans: readonly RemovedResourceSummary[], deleted: ReadonlyMap<string, number>): RemovedResourceSummary[] {
  const left = new Map(deleted);
  return plans.map((plan) => {
    if (plan.deleteBlock) return plan;
    const share = Math.min(plan.entities, left.get(plan.blueprint) ?? 0);
    left.set(plan.blueprint, (left.get(plan.blueprint) ?? 0) - share);
    return { ...plan, deleted: share };
  });
}

async function planScope(db: StagingDb, input: LoadInput, stagedTallies: readonly StagedTallyRow[], scope: readonly string[]): Promise<BlueprintPlan[]> {
  const snapshot = await tallySnapshot(db, scope);
  const latestStatus = await listLatestExtractStatus(db);
  const stagedKinds = new Map<string, Set<string>>();
  for (const tally of stagedTallies) {
    const kinds = stagedKinds.get(tally.blueprint) ?? new Set<string>();
    kinds.add(tally.kind);
    stagedKinds.set(tally.blueprint, kinds);
  }
  return planLoad({
    blueprints: scope,
    staged: stagedTallies,
    snapshot,
    selectedKinds: new Set(input.resources.map((resource) => resource.kind)),
    extractBlock: (blueprint) => decideExtractBlock(listFeedingKinds(blueprint, input.mapping.resources, stagedKinds.get(blueprint) ?? []), latestStatus),
    threshold: input.mapping.entityDeletionThreshold,
    allowMassDelete: input.allowMassDelete,
  });
}

function listRelationDefinitions(blueprints: readonly Blueprint[]): RelationDefinition[] {
  return blueprints.flatMap((blueprint) => Object.entries(blueprint.relations).map(([name, relation]) => ({ blueprint: blueprint.identifier, name, target: relation.target })));
}

function summarize(
  input: LoadInput,
  plans: readonly BlueprintPlan[],
  counts: ReadonlyMap<string, BlueprintCounts> | undefined,
  started: number,
  client: PortClient | undefined,
): LoadSummary {
  const blueprints = plans.map((plan): LoadBlueprintSummary => {
    const done = counts?.get(plan.blueprint);
    return {
      blueprint: plan.blueprint,
      created: counts ? (done?.created ?? 0) : plan.creates,
      updated: counts ? (done?.updated ?? 0) : plan.updates,
      deleted: counts ? (done?.deleted ?? 0) : plan.deletes,
      unchanged: plan.unchanged,
      failed: done?.failed ?? 0,
      deletesWithheld: plan.deletesWithheld,
      ...(plan.deleteBlock ? { deleteBlock: plan.deleteBlock } : {}),
      heldBack: plan.heldBack,
      kept: plan.kept,
    };
  });
  return {
    runId: input.runId,
    blueprints,
    requests: { entityWrites: client?.requestCounts.entityWrites ?? 0, other: client?.requestCounts.other ?? 0 },
    durationMs: Date.now() - started,
    dryRun: input.dryRun,
  };
}

/**
 * Adds the changes of one blueprint's rows to `changes` while fewer than `limit` are listed, reading
 * its rows a page at a time, each page after the last key of the one before, until a short page.
 */
async function listPagedChanges<T>(
  changes: PlannedChange[],
  limit: number,
  readPage: (after: string | undefined, size: number) => Promise<readonly T[]>,
  keyOf: (row: T) => string,
  describe: (row: T) => Promise<PlannedChange> | PlannedChange,
): Promise<void> {
  let after: string | undefined;
  for (let room = limit - changes.length; room > 0; room = limit - changes.length) {
    const size = Math.min(room, PREVIEW_PAGE);
    const rows = await readPage(after, size);
    for (const row of rows) changes.push(await describe(row));
    const last = rows.at(-1);
    if (rows.length < size || last === undefined) return;
    after = keyOf(last);
  }
}

/**
 * The first `limit` changes (every one when Infinity) in the order load sends them (upserts by level,
 * each blueprint's in identifier order, then deletes in reverse), updates with their changed fields,
 * read from the same pages load reads, a page at a time; the total from the plan's counts.
 */
async function previewChanges(db: StagingDb, levels: readonly (readonly BlueprintPlan[])[], kinds: readonly string[], limit: number): Promise<PlanPreview> {
  const changes: PlannedChange[] = [];
  for (const { blueprint, creates, updates } of levels.flat()) {
    if (creates + updates === 0) continue;
    await listPagedChanges(
      changes,
      limit,
      (after, size) => listUpsertPage(db, { blueprint, kinds, after, limit: size }),
      (row) => row.identifier,
      async (row): Promise<PlannedChange> => {
        if (row.isCreate) return { operation: "create", blueprint, identifier: row.identifier };
        const before = (await readSnapshotEntities(db, blueprint, [row.identifier])).get(row.identifier);
        const fields = before ? listChangedFields(JSON.parse(before.entityJson), JSON.parse(row.entityJson)) : [];
        return { operation: "update", blueprint, identifier: row.identifier, fields };
      },
    );
  }
  for (const { blueprint, deletes } of [...levels].reverse().flat()) {
    if (deletes === 0) continue;
    await listPagedChanges(
      changes,
      limit,
      (after, size) => listDeletionPage(db, { blueprint, after, limit: size }),
      (identifier) => identifier,
      (identifier) => ({ operation: "delete", blueprint, identifier }),
    );
  }
  const totalChanges = levels.flat().reduce((sum, plan) => sum + plan.creates + plan.updates + plan.deletes, 0);
  return { changes, totalChanges };
}

function reportBlueprint(deps: LoadDeps, plan: BlueprintPlan | undefined, counts: BlueprintCounts | undefined, state: "running" | "done" | "failed"): void {
  if (!plan) return;
  const done = counts ? counts.created + counts.updated + counts.deleted : 0;
  const notes = [
    `planned ${plan.creates} creates, ${plan.updates} updates, ${plan.deletes} deletes`,
    counts && counts.failed > 0 ? `${counts.failed} refused by Port` : undefined,
    plan.deleteBlock === "threshold" ? `${plan.deletesWithheld} deletions withheld (over entityDeletionThreshold; --allow-mass-delete)` : undefined,
    plan.deleteBlock === "extract-incomplete" ? `${plan.deletesWithheld} deletions withheld (extract incomplete)` : undefined,
    plan.deleteBlock === "extract-incremental" ? `${plan.deletesWithheld} deletions wait for the next full extract` : undefined,
    plan.kept > 0 ? `${plan.kept} kept as last pushed (record not mapped, or held back)` : undefined,
  ].filter(Boolean);
  deps.progress.report({
    type: "kind",
    stage: "load",
    kind: plan.blueprint,
    entities: plan.creates + plan.updates + plan.unchanged,
    changes: done,
    state,
    message: notes.join("; "),
  });
}

export { loadRecords } from "./load-records";
