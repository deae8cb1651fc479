import type { StagingDb } from "../../db/database";
import { DUPLICATE_IDENTIFIER, hasDuplicateIdentifierErrors, insertMappingErrors, type MappingErrorRow } from "../../db/queries/mapping-errors";
import { readRecordsToMap, readRecordsToMapOfIds, type RawRecordPosition, type RecordToMap } from "../../db/queries/raw-record-batches";
import { countRawRecordsByKind } from "../../db/queries/raw-records";
import { forgetRelationCheck, listIdentifiersOnlyInPort, readRelationCheck, saveRelationCheck, type RelationCheckRecord } from "../../db/queries/relation-checks";
import { countRowsByKind } from "../../db/queries/rows-by-kind";
import {
  deleteRelationIssuesOfKinds,
  listRelationsWithIssues,
  listRelationsWithMissingTargets,
  recordDanglingRelations,
  type RelationTarget,
} from "../../db/queries/relation-issues";
import {
  countStagedEntities,
  findStagedEntitySource,
  holdBackEntitiesWithRelationIssues,
  insertStagedEntities,
  listPushableEntitiesOfRecords,
  releaseRelationHoldBacks,
  type StagedEntityRow,
} from "../../db/queries/staged-entities";
import {
  deleteRecordOutcomes,
  listChangedRecordIds,
  readKindMappingHash,
  saveKindMappingHash,
  saveTransformedRecords,
  sumSkippedAndFiltered,
  type TransformedRecordRow,
} from "../../db/queries/transformed-records";
import { insertUnmappedRecords, type UnmappedRecordRow } from "../../db/queries/unmapped-records";
import type { JqRunner, JqStream } from "../jq/jq-runner";
import type { Blueprint } from "../model/blueprint";
import type { ResourceMapping } from "../model/mapping";
import type { Progress } from "../model/progress";
import type { TransformKindSummary, TransformSummary } from "../model/summary";
import { FIRST_BATCH_RECORDS, sizeNextBatch } from "./batch-size";
import { countJqProcesses } from "./jq-processes";
import { decideKindRemap, type KindRemap } from "./kind-remap";
import { replaceLoneSurrogates } from "./lone-surrogates";
import { mapStreamedRecords, readStreamedRecord, type StreamedRecord } from "./map-records";
import { hashKindMapping } from "./mapping-hash";
import { buildMappingProgram, type MappingProgram } from "./program";
import { ReferencedTargets } from "./referenced-targets";
import { decideRelationCheck, hashInPortByBlueprint, hashRelationCheckInputs } from "./relation-check-inputs";
import { stageEntity } from "./stage-entity";

export { checkMappingCompiles } from "./compile-check";

export interface TransformDeps {
  db: StagingDb;
  progress: Progress;
  jq: JqRunner;
  signal?: AbortSignal | undefined;
}

export interface TransformInput {
  runId: number;
  /** Narrowed by --only. */
  resources: readonly ResourceMapping[];
  blueprints: readonly Blueprint[];
  createMissingRelatedEntities: boolean;
  /** --full-refresh: map every record again, even those unchanged since they were staged. */
  fullRefresh?: boolean | undefined;
}

// Each jq process has a batch queued behind the one it maps.
const MAX_QUEUED_BATCHES = 4;
// Holding back an entity can leave another pointing at it dangling; chains longer than this are
// left to Port to refuse at load time.
const MAX_HOLD_BACK_ROUNDS = 50;
const YIELD_EVERY_RECORDS = 200;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface KindPlan {
  readonly kind: string;
  readonly name: string;
  readonly programs: readonly MappingProgram[];
  readonly mappingHash: string;
}

interface KindCounts {
  /** Records mapped (sent through jq). */
  mapped: number;
  durationMs: number;
}

class Interrupted extends Error {}

/** A changed record's entity took a key another record stages: only mapping the whole kind in order says who wins. */
class DuplicateAmongChanges extends Error {}

function planKinds(resources: readonly ResourceMapping[], blueprints: readonly Blueprint[], jqVersion: string): KindPlan[] {
  const plans = new Map<string, { kind: string; name: string; programs: MappingProgram[] }>();
  for (const resource of resources) {
    const plan = plans.get(resource.kind) ?? { kind: resource.kind, name: resource.name, programs: [] };
    plan.programs.push(buildMappingProgram(resource));
    plans.set(resource.kind, plan);
  }
  return [...plans.values()].map((plan) => ({ ...plan, mappingHash: hashKindMapping(plan.programs, blueprints, jqVersion) }));
}

/** The records of a kind to map: all of them, or those with these record ids (listChangedRecordIds). */
type RecordsToMap = "all" | readonly string[];

/** Which records of a kind to map (and why all, when all), and how many that is (what its jq processes are sized by). */
interface KindScope {
  readonly remap: KindRemap;
  readonly changed: RecordsToMap;
  readonly toMap: number;
}

/**
 * The scope of each kind, given its raw record count. Decided before any kind is transformed:
 * nothing else writes the staging file while the run holds its lock. `known` names, per kind, the
 * only records that may have changed (transformRecords): the kind-wide scan for changes is skipped.
 */
async function decideScopes(
  db: StagingDb,
  plans: readonly KindPlan[],
  fullRefresh: boolean,
  records: ReadonlyMap<string, number>,
  known?: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, KindScope>> {
  const scopes = new Map<string, KindScope>();
  for (const plan of plans) {
    const remap = decideKindRemap({
      stagedWith: await readKindMappingHash(db, plan.kind),
      mappingHash: plan.mappingHash,
      fullRefresh,
      hasDuplicateIdentifiers: await hasDuplicateIdentifierErrors(db, plan.kind),
    });
    const changed = remap.scope === "all" ? "all" : (known?.get(plan.kind) ?? (await listChangedRecordIds(db, plan.kind)));
    scopes.set(plan.kind, { remap, changed, toMap: changed === "all" ? (records.get(plan.kind) ?? 0) : changed.length });
  }
  return scopes;
}

function listRelationTargets(blueprints: readonly Blueprint[]): RelationTarget[] {
  return blueprints.flatMap((blueprint) =>
    Object.entries(blueprint.relations).map(([relation, definition]) => ({ blueprint: blueprint.identifier, relation, target: definition.target })),
  );
}

interface StagingContext {
  readonly db: StagingDb;
  readonly jq: JqRunner;
  readonly runId: number;
  readonly kind: string;
  readonly blueprints: ReadonlyMap<string, Blueprint>;
  readonly referenced: ReferencedTargets;
  readonly remap: KindRemap;
}

/**
 * Writes what one program made of one batch: entities (first staged wins a duplicate key), mapping
 * errors, the records that could not be mapped (their entities in Port are kept), and that each
 * record was mapped. Returns how many entities the batch gave. Throws DuplicateAmongChanges when
 * only changed records are mapped and one's entity takes a key already staged.
 */
async function stageBatch(context: StagingContext, task: BatchTask, records: readonly StreamedRecord[]): Promise<number> {
  const { db, runId, kind } = context;
  const { program } = task;
  const rows: StagedEntityRow[] = [];
  const errors: MappingErrorRow[] = [];
  const unmapped: UnmappedRecordRow[] = [];
  const transformed: TransformedRecordRow[] = [];
  const identifierField = program.fields[0];
  const blueprintField = program.fields[1];
  let entities = 0;
  for (const [index, record] of records.entries()) {
    // Staging is synchronous work; without a turn of the event loop now and then, jq's output would
    // fill its pipe and stop jq, and its next input would wait, until the whole batch is staged.
    if (index % YIELD_EVERY_RECORDS === YIELD_EVERY_RECORDS - 1) await yieldToEventLoop();
    const position = task.records[index] as RecordToMap;
    const recordId = position.record_id;
    const mapping = await readStreamedRecord(context.jq, program, record, task.payloads[index] as string);
    transformed.push({ kind, ...position, skipped: mapping.skipped, filtered: mapping.filtered, run_id: runId });
    entities += mapping.entities.length;
    for (const problem of mapping.problems) errors.push({ run_id: runId, kind, record_id: recordId, ...problem });
    let failure = mapping.failure;
    for (const draft of mapping.entities) {
      const staged = stageEntity(draft, context.blueprints);
      if ("error" in staged) {
        errors.push({ run_id: runId, kind, record_id: recordId, field: "blueprint", expression: blueprintField?.expression ?? "", message: staged.error });
        failure ??= `the blueprint expression (${blueprintField?.expression.trim() ?? ""}) failed: ${staged.error}`;
        continue;
      }
      context.referenced.add(staged.blueprint, draft.relations);
      rows.push({
        blueprint: staged.blueprint,
        identifier: staged.identifier,
        kind,
        record_id: recordId,
        entity_json: staged.entityJson,
        hash: staged.hash,
        held_back_reason: staged.heldBackReason,
      });
    }
    if (failure !== undefined) unmapped.push({ run_id: runId, kind, record_id: recordId, reason: failure });
  }
  const duplicates = await insertStagedEntities(db, rows);
  if (duplicates.length > 0 && context.remap.scope === "changed") throw new DuplicateAmongChanges();
  for (const duplicate of duplicates) {
    const winner = await findStagedEntitySource(db, duplicate.blueprint, duplicate.identifier);
    const source = winner ? `${winner.kind} record ${winner.record_id}` : "another record";
    errors.push({
      run_id: runId,
      kind,
      record_id: duplicate.record_id,
      field: "identifier",
      expression: identifierField?.expression ?? "",
      message: `${DUPLICATE_IDENTIFIER}${JSON.stringify(duplicate.identifier)} of blueprint ${duplicate.blueprint}: ${source} already stages it, so this record's entity is not staged`,
    });
  }
  await insertMappingErrors(db, errors);
  await insertUnmappedRecords(db, unmapped);
  await saveTransformedRecords(db, transformed);
  return entities;
}

/**
 * The jq processes of each program of each kind, started together before any record is read, as
 * many as its kind's records are worth (countJqProcesses). Starting jq forks this process, after which
 * every page of memory it writes costs a page fault (its share of the fork is copied or reclaimed):
 * one burst of forks while the heap is small costs that once, rather than once per kind at the size
 * the heap has grown to (measured: twice the faults, and a tenth more CPU, over 200k records).
 */
type ProgramStreams = JqStream[];

function startStream(jq: JqRunner, program: MappingProgram): JqStream {
  if (jq.startStream === undefined) throw new Error("the transform needs a jq runner that can stream (createJqRunner)");
  return jq.startStream(program.text);
}

function startProgramStreams(jq: JqRunner, plans: readonly KindPlan[], scopes: ReadonlyMap<string, KindScope>): Map<MappingProgram, ProgramStreams> {
  const streams = new Map<MappingProgram, ProgramStreams>();
  try {
    for (const plan of plans) {
      const records = scopes.get(plan.kind)?.toMap ?? 0;
      const count = records > 0 ? countJqProcesses(records) : 0;
      for (const program of plan.programs) streams.set(program, Array.from({ length: count }, () => startStream(jq, program)));
    }
  } catch (error) {
    void closeProgramStreams(streams);
    throw error;
  }
  return streams;
}

async function closeProgramStreams(streams: ReadonlyMap<MappingProgram, ProgramStreams>): Promise<void> {
  await Promise.all([...streams.values()].flat().map((stream) => stream.close()));
}

/**
 * Ends the jq processes of a kind that is done. jq keeps the memory its largest batches took, so a
 * kind's processes would otherwise hold it (tens of MB at 10^6 alerts) while the later kinds map.
 */
async function closeKindStreams(streams: Map<MappingProgram, ProgramStreams>, plan: KindPlan): Promise<void> {
  const ended = new Map(plan.programs.flatMap((program) => (streams.has(program) ? [[program, streams.get(program) as ProgramStreams]] : [])));
  for (const program of ended.keys()) streams.delete(program);
  await closeProgramStreams(ended);
}

interface BatchTask {
  readonly program: MappingProgram;
  readonly records: readonly RecordToMap[];
  readonly payloads: readonly string[];
  readonly mapped: Promise<StreamedRecord[]>;
}

/** What one kind's transform is given besides its plan. */
interface KindInput {
  readonly streams: ReadonlyMap<MappingProgram, ProgramStreams>;
  readonly runId: number;
  readonly blueprints: ReadonlyMap<string, Blueprint>;
  readonly referenced: ReferencedTargets;
  readonly remap: KindRemap;
  readonly changed: RecordsToMap;
  /** Collects, per blueprint, the pushable entities the records mapped again staged before (RelationCheckContext.replaced). */
  readonly replaced: Map<string, Set<string>>;
  /** `changed` are records without path parameters (parent key ''), read by their ids rather than by a scan of the kind. */
  readonly readsByIds?: boolean;
}

/**
 * Replaces, in one transaction, the outcome (staged entities, mapping errors, unmapped records) of
 * one kind's records, all of them or those changed since staged (their payload hash differs, they
 * are new, or they are gone from raw_records): raw records are read in batches inside it (the
 * transaction holds the only connection), their lone surrogate escapes read as U+FFFD
 * (replaceLoneSurrogates), and mapped by two jq processes per program, kept running for the whole
 * kind, while earlier batches are written; batches are written in record order, so the first
 * record wins a duplicate.
 */
async function transformKind(deps: TransformDeps, plan: KindPlan, input: KindInput): Promise<KindCounts> {
  const { streams, runId, blueprints, referenced, remap, changed, replaced } = input;
  const byIds = input.readsByIds === true && changed !== "all" ? changed : undefined;
  const started = Date.now();
  const counts: KindCounts = { mapped: 0, durationMs: 0 };
  deps.progress.report({ type: "kind", stage: "transform", kind: plan.kind, records: 0, entities: 0, state: "running" });
  await deps.db.transaction().execute(async (trx) => {
    await saveKindMappingHash(trx, plan.kind, plan.mappingHash, runId);
    // Nothing changed: every record keeps its outcome, and none need be read.
    if (changed !== "all" && changed.length === 0) return;
    await forgetRelationCheck(trx);
    if (changed !== "all") {
      for (const { blueprint, identifier } of await listPushableEntitiesOfRecords(trx, plan.kind, changed)) {
        replaced.set(blueprint, (replaced.get(blueprint) ?? new Set()).add(identifier));
      }
    }
    // Records read by ids were read without path parameters, under parent key ''.
    await deleteRecordOutcomes(trx, plan.kind, changed, byIds ? "" : undefined);
    const context: StagingContext = { db: trx, jq: deps.jq, runId, kind: plan.kind, blueprints, referenced, remap };

    let after: RawRecordPosition | undefined;
    let isExhausted = false;
    let limit = FIRST_BATCH_RECORDS;
    let turn = 0;
    const tasks: BatchTask[] = [];
    // Batches queue up on the jq processes (a few each), so that jq keeps both cores busy while
    // this process writes what came back.
    const fill = async (): Promise<void> => {
      while (!isExhausted && tasks.length < MAX_QUEUED_BATCHES) {
        const batch = byIds ? await readRecordsToMapOfIds(trx, plan.kind, byIds) : await readRecordsToMap(trx, plan.kind, after, limit);
        after = batch?.records.at(-1);
        isExhausted = byIds !== undefined || batch === undefined || batch.records.length < limit;
        if (batch === undefined) break;
        counts.mapped += batch.records.length;
        limit = sizeNextBatch(batch.payloads.reduce((sum, payload) => sum + payload.length, 0), batch.records.length);
        const payloads = batch.payloads.map(replaceLoneSurrogates);
        for (const program of plan.programs) {
          // Batches take turns on the program's jq processes.
          const programStreams = streams.get(program) as ProgramStreams;
          // A kind counted empty starts no jq; records that turned up since get one now.
          if (programStreams.length === 0) programStreams.push(startStream(deps.jq, program));
          const stream = programStreams[turn % programStreams.length] as JqStream;
          const mapped = mapStreamedRecords(stream, deps.jq, program, payloads);
          // Awaited in order below; until then a rejection must not count as unhandled.
          mapped.catch(() => undefined);
          tasks.push({ program, records: batch.records, payloads, mapped });
        }
        turn += 1;
      }
    };
    let entities = 0;
    await fill();
    for (let task = tasks.shift(); task !== undefined; task = tasks.shift()) {
      const records = await task.mapped;
      await fill();
      entities += await stageBatch(context, task, records);
      // Stopping mid-kind rolls the kind back to what it was: never half old and half new.
      if (deps.signal?.aborted) throw new Interrupted();
      deps.progress.report({ type: "kind", stage: "transform", kind: plan.kind, records: counts.mapped, entities, state: "running" });
    }
  });
  counts.durationMs = Date.now() - started;
  return counts;
}

/** What the relation check is given. */
interface RelationCheckContext {
  readonly runId: number;
  readonly kinds: readonly string[];
  readonly targets: readonly RelationTarget[];
  readonly createMissing: boolean;
  /** The values the relations of the records mapped in this run point at. */
  readonly referenced: ReferencedTargets;
  /** Every record of the kinds was mapped in this run, so `referenced` holds every value their relations point at. */
  readonly mappedAll: boolean;
  /** Some kind's records were all mapped in this run. */
  readonly remappedWhole: boolean;
  /** The last relation check, as it stood when this transform started. */
  readonly lastCheck: RelationCheckRecord | undefined;
  /** Per blueprint, the pushable entities of the records mapped again in this run, as they were before: targets that may have gone. */
  readonly replaced: ReadonlyMap<string, ReadonlySet<string>>;
}

function keyOfRelation(blueprint: string, relation: string): string {
  return `${blueprint}\u0000${relation}`;
}

/**
 * The relations whose issues may differ from the last check's, which held when this transform
 * started: those with issues then, those pointing at a blueprint whose identifiers in Port changed
 * since, and those pointing at a value that is missing now among the values of the records mapped in
 * this run and the entities those records staged before. The others had no issue and still have none.
 */
async function listRelationsToCheckAgain(db: StagingDb, context: RelationCheckContext, inPortChanged: readonly string[]): Promise<RelationTarget[]> {
  const withIssues = new Set((await listRelationsWithIssues(db, context.kinds)).map(({ blueprint, relation }) => keyOfRelation(blueprint, relation)));
  const replaced = context.targets.map((definition) => ({ definition, values: [...(context.replaced.get(definition.target) ?? [])] }));
  const missing = new Set([...(await listRelationsWithMissingTargets(db, context.referenced.list())), ...(await listRelationsWithMissingTargets(db, replaced))]);
  return context.targets.filter(
    (target) => missing.has(target) || withIssues.has(keyOfRelation(target.blueprint, target.relation)) || inPortChanged.includes(target.target),
  );
}

/**
 * Replaces the relation issues of the kinds: records relations whose target is neither staged nor in
 * Port; with createMissingRelatedEntities off, holds back their entities, then the entities pointing
 * at those, and so on. Reads only the relations whose issues may have changed since the last check
 * (decideRelationCheck): none when no staged entity changed since and Port holds the same targets
 * besides the staged ones (a load that confirmed staged entities changes no relation's target).
 */
async function checkRelations(db: StagingDb, context: RelationCheckContext): Promise<void> {
  const { runId, kinds, targets, createMissing } = context;
  await db.transaction().execute(async (trx) => {
    const targetBlueprints = [...new Set(targets.map((target) => target.target))];
    const readOnlyInPort = async () => hashInPortByBlueprint(targetBlueprints, await listIdentifiersOnlyInPort(trx, targetBlueprints));
    const inPort = await readOnlyInPort();
    const inputsHash = hashRelationCheckInputs({ kinds, targets, createMissingRelatedEntities: createMissing });
    const plan = decideRelationCheck(
      { inputsHash, inPort, createMissingRelatedEntities: createMissing, remappedWhole: context.remappedWhole },
      { atStart: context.lastCheck, standing: (await readRelationCheck(trx)) !== undefined },
    );
    if (plan.scope === "keep") return;
    let suspects: readonly RelationTarget[];
    if (plan.scope === "changed") suspects = await listRelationsToCheckAgain(trx, context, plan.inPortChanged);
    // Only relations with a missing target need their entities read; most have none.
    else suspects = context.mappedAll ? await listRelationsWithMissingTargets(trx, context.referenced.list()) : targets;
    await deleteRelationIssuesOfKinds(trx, kinds);
    if (plan.scope === "all") await releaseRelationHoldBacks(trx, kinds);
    let recorded = await recordDanglingRelations(trx, runId, kinds, suspects, false);
    for (let round = 0; !createMissing && recorded > 0 && round < MAX_HOLD_BACK_ROUNDS; round += 1) {
      await holdBackEntitiesWithRelationIssues(trx, runId, kinds);
      recorded = await recordDanglingRelations(trx, runId, kinds, targets, true);
    }
    // Holding back (or releasing) a target that Port holds puts it among those only in Port: the
    // check is saved with what it leaves, so that the next run finds it still standing.
    await saveRelationCheck(trx, { inputsHash, inPort: createMissing ? inPort : await readOnlyInPort() }, runId);
  });
}

/**
 * Maps a kind's records (transformKind); when only changed records were to be mapped and one took
 * an entity's key already staged, maps the whole kind instead.
 */
async function transformKindOrWhole(deps: TransformDeps, plan: KindPlan, input: KindInput): Promise<{ counts: KindCounts; remap: KindRemap }> {
  try {
    return { counts: await transformKind(deps, plan, input), remap: input.remap };
  } catch (error) {
    if (!(error instanceof DuplicateAmongChanges)) throw error;
    const remap: KindRemap = { scope: "all", reason: "duplicate-identifiers" };
    return { counts: await transformKind(deps, plan, { ...input, remap, changed: "all" }), remap };
  }
}

type FinishedKind = { plan: KindPlan; counts: KindCounts; remap: KindRemap };

/**
 * Maps each kind of `plans` in its scope (transformKindOrWhole), until one throws or `signal` aborts,
 * then checks the relations of the kinds that finished; returns those kinds.
 */
async function mapKindsAndCheckRelations(
  deps: TransformDeps,
  input: Omit<TransformInput, "resources" | "fullRefresh">,
  plans: readonly KindPlan[],
  scopes: ReadonlyMap<string, KindScope>,
  readsByIds: boolean,
): Promise<FinishedKind[]> {
  const blueprints = new Map(input.blueprints.map((blueprint) => [blueprint.identifier, blueprint]));
  const finished: FinishedKind[] = [];
  const targets = listRelationTargets(input.blueprints);
  const referenced = new ReferencedTargets(targets);
  const lastCheck = await readRelationCheck(deps.db);
  const replaced = new Map<string, Set<string>>();
  const streams = startProgramStreams(deps.jq, plans, scopes);
  try {
    for (const plan of plans) {
      if (deps.signal?.aborted) break;
      try {
        const { remap, changed } = scopes.get(plan.kind) as KindScope;
        const kindInput: KindInput = { streams, runId: input.runId, blueprints, referenced, remap, changed, replaced, readsByIds };
        finished.push({ plan, ...(await transformKindOrWhole(deps, plan, kindInput)) });
        await closeKindStreams(streams, plan);
      } catch (error) {
        if (error instanceof Interrupted) break;
        deps.progress.report({ type: "kind", stage: "transform", kind: plan.kind, state: "failed", message: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    }
  } finally {
    await closeProgramStreams(streams);
  }
  await checkRelations(deps.db, {
    runId: input.runId,
    kinds: finished.map(({ plan }) => plan.kind),
    targets,
    createMissing: input.createMissingRelatedEntities,
    referenced,
    mappedAll: finished.every(({ remap }) => remap.scope === "all"),
    remappedWhole: finished.some(({ remap }) => remap.scope === "all"),
    lastCheck,
    replaced,
  });
  return finished;
}

/** What transformRecords is given: a transform's input, and the records that may have changed. */
export interface RecordsTransformInput extends Omit<TransformInput, "fullRefresh"> {
  /** Per kind, the ids of the records (of kinds read without path parameters) that may have changed since they were staged. */
  readonly records: ReadonlyMap<string, readonly string[]>;
}

/**
 * The transform of a few records (`serve`): maps only `input.records` of their kinds (a kind whose
 * staged rows were made with another mapping, or that has duplicate identifiers, is mapped whole, as
 * transform would), replacing their outcome as transform does, then checks the relations of those
 * kinds. Reads the records by id: no kind-wide scan for changes, no summary counts. Throws as
 * transform does.
 */
export async function transformRecords(deps: TransformDeps, input: RecordsTransformInput): Promise<void> {
  const plans = planKinds(
    input.resources.filter((resource) => input.records.has(resource.kind)),
    input.blueprints,
    deps.jq.version,
  );
  const scopes = await decideScopes(deps.db, plans, false, new Map(), input.records);
  await mapKindsAndCheckRelations(deps, input, plans, scopes, true);
}

/**
 * Maps the raw records of each resource's kind with its jq mapping (Ocean's semantics), validates the
 * entities against the blueprints and replaces, per kind, the outcome in staged_entities,
 * mapping_errors and unmapped_records (records read but not mapped) of the records changed since
 * they were staged, or of all of them (decideKindRemap); then replaces the relation issues of the
 * transformed kinds. Reports progress per kind. When `signal` aborts, the kind in progress keeps
 * its previous rows and the summary covers the kinds that finished. Throws only on unexpected faults (jq timing out, the database).
 */
export async function transform(deps: TransformDeps, input: TransformInput): Promise<TransformSummary> {
  const started = Date.now();
  const plans = planKinds(input.resources, input.blueprints, deps.jq.version);
  deps.progress.report({ type: "stage-start", stage: "transform", kinds: plans.map((plan) => plan.kind) });
  const records = await countRawRecordsByKind(deps.db);
  const scopes = await decideScopes(deps.db, plans, input.fullRefresh ?? false, records);
  const finished = await mapKindsAndCheckRelations(deps, input, plans, scopes, false);
  const kinds = finished.map(({ plan }) => plan.kind);
  const outcomes = await sumSkippedAndFiltered(deps.db, kinds);
  const staged = await countStagedEntities(deps.db, kinds);
  const mappingErrors = await countRowsByKind(deps.db, "mapping_errors", kinds);
  const unmapped = await countRowsByKind(deps.db, "unmapped_records", kinds);
  const relationIssues = await countRowsByKind(deps.db, "relation_issues", kinds);
  const summaries: TransformKindSummary[] = finished.map(({ plan, counts, remap }) => {
    const rows = staged.filter((row) => row.kind === plan.kind);
    const summary: TransformKindSummary = {
      kind: plan.kind,
      name: plan.name,
      records: records.get(plan.kind) ?? 0,
      entities: rows.reduce((sum, row) => sum + row.entities, 0),
      skipped: outcomes.get(plan.kind)?.skipped ?? 0,
      filtered: outcomes.get(plan.kind)?.filtered ?? 0,
      heldBack: rows.reduce((sum, row) => sum + row.held_back, 0),
      mappingErrors: mappingErrors.get(plan.kind) ?? 0,
      unmapped: unmapped.get(plan.kind) ?? 0,
      danglingRelations: relationIssues.get(plan.kind) ?? 0,
      mapped: counts.mapped,
      ...(remap.scope === "all" ? { remapped: remap.reason } : {}),
      durationMs: counts.durationMs,
    };
    deps.progress.report({ type: "kind", stage: "transform", kind: plan.kind, records: summary.records, entities: summary.entities, state: "done" });
    return summary;
  });
  const perBlueprint: Record<string, number> = {};
  for (const row of staged) perBlueprint[row.blueprint] = (perBlueprint[row.blueprint] ?? 0) + row.entities;
  deps.progress.report({ type: "stage-end", stage: "transform", ok: finished.length === plans.length });
  return { runId: input.runId, kinds: summaries, blueprints: perBlueprint, durationMs: Date.now() - started };
}
