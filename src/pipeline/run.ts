import { asDamagedStagingFile, openDatabase, type OpenedDatabase, type StagingDb } from "../../db/database";
import { closeAbandonedRuns, createRun, finishRun, finishStage, markRunInterruptedNow, startStage } from "../../db/queries/runs";
import { readInboxStatus } from "../../db/queries/webhook-inbox";
import { ConfigError, StageFailedError } from "../errors";
import { extract } from "../extract";
import { createJqRunner, type JqRunner } from "../jq/jq-runner";
import { load } from "../load";
import { createPortClient, type PortClient } from "../load/port-client";
import type { Config } from "../model/config";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
import type { Progress } from "../model/progress";
import type { Stage } from "../model/stage";
import type { ExtractSummary, LoadSummary, MappingSourceSummary, RunSummary, TransformSummary } from "../model/summary";
import { checkMappingCompiles, transform } from "../transform";
import { COMMANDS, type PipelineCommand } from "./commands";
import { commitMapping, resolveMapping, type MappingRequest } from "./mapping-source";
import { judgeRun } from "./outcome";
import { adoptPort, checkPortBinding } from "./port-binding";
import { checkCredentials, needsCheck } from "./preflight";
import { selectResources } from "./select-resources";
import { refuseUntransformedExtracts } from "./staging-freshness";
import { buildLoadInput, userAgentFor, type RunFlags } from "./stage-inputs";
import { lockStagingFile } from "./staging-lock";

export interface PipelineDeps {
  readonly config: Config;
  readonly progress: Progress;
  /** Aborted on SIGTERM/SIGINT: stages finish the batch in hand and stop; the run is recorded as interrupted. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Registers a synchronous cleanup (release the staging file's lock, record the run interrupted) for a
   * caller that must exit at once, on a second signal; returns the function that unregisters it.
   */
  readonly atForcedExit?: ((cleanup: () => void) => () => void) | undefined;
}

/** The command and its options (see RunFlags); an option left out is off. */
export type PipelineOptions = { readonly command: PipelineCommand } & { readonly [K in keyof RunFlags]?: RunFlags[K] | undefined };

/** The line a run's summary carries when every kind failed to extract and the later stages were skipped. */
export const SKIPPED_AFTER_FAILED_EXTRACT = "transform and load skipped: no kind could be extracted, so there is nothing new to map or push";

type StageSummaries = { extract?: ExtractSummary; transform?: TransformSummary; load?: LoadSummary };

/** What the stages of one run share. */
interface RunContext {
  /** The caller's dependencies, with the configuration's mapping replaced by the one the run resolved. */
  readonly deps: PipelineDeps;
  readonly db: StagingDb;
  readonly command: PipelineCommand;
  readonly flags: RunFlags;
  readonly resources: readonly ResourceMapping[];
  /** Present when a stage of the command runs jq (extract's path parameters, transform). */
  readonly jq: JqRunner | undefined;
  readonly runId: number;
  readonly binding: "adopt" | "keep";
  readonly started: number;
  readonly mapping: MappingSourceSummary;
}

/** The resources a run covers and its jq runner, once its mapping is known. */
interface PreparedStages {
  readonly resources: readonly ResourceMapping[];
  readonly jq: JqRunner | undefined;
}

const now = () => new Date().toISOString();

/** One runner per stage: the stage's entry function, called with its input built from the run. */
const STAGE_RUNNERS: { readonly [S in Stage]: (run: RunContext) => Promise<NonNullable<StageSummaries[S]>> } = {
  extract: ({ deps: { config, progress, signal }, db, jq, runId, resources, flags }) =>
    extract(
      { db, progress, jq: jq!, signal },
      {
        runId,
        settings: config.incidentIo,
        network: config.network,
        userAgent: userAgentFor(config),
        resources,
        incremental: config.incremental,
        fullRefresh: flags.fullRefresh,
      },
    ),
  transform: ({ deps: { config, progress, signal }, db, jq, runId, resources, flags }) =>
    transform(
      { db, progress, jq: jq!, signal },
      { runId, resources, blueprints: config.blueprints, createMissingRelatedEntities: config.mapping.createMissingRelatedEntities, fullRefresh: flags.fullRefresh },
    ),
  load: ({ deps: { config, progress, signal }, db, runId, resources, flags, command, binding }) =>
    load(
      { db, progress, signal },
      buildLoadInput(config, { runId, resources, flags, reconcile: flags.reconcile || binding === "adopt", dryRun: command === "plan", mayInitialize: true }),
    ),
};

function flagsOf(options: PipelineOptions): RunFlags {
  return {
    only: options.only ?? [],
    allowMassDelete: options.allowMassDelete ?? false,
    reconcile: options.reconcile ?? false,
    fullRefresh: options.fullRefresh ?? false,
    planLimit: options.planLimit,
    adoptPort: options.adoptPort ?? false,
    deleteRemovedResources: options.deleteRemovedResources ?? false,
    pushMapping: options.pushMapping ?? false,
  };
}

/** The resources `only` names; throws ConfigError when a name matches none. */
function selectOrRefuse(mapping: PortAppConfig, only: readonly string[] | undefined): readonly ResourceMapping[] {
  const { selected, unknown } = selectResources(mapping.resources, only);
  if (unknown.length > 0) {
    const known = mapping.resources.map((r) => r.name).join(", ");
    throw new ConfigError([`--only: ${unknown.join(", ")} match no resource of the mapping (known: ${known})`]);
  }
  return selected;
}

/**
 * The resources `only` selects from `mapping`, and a jq runner when a stage needs one, after every
 * mapping expression compiled: a typo fails before the stages send anything.
 */
async function prepareStages(config: Config, mapping: PortAppConfig, only: readonly string[], stages: readonly Stage[]): Promise<PreparedStages> {
  const resources = selectOrRefuse(mapping, only);
  if (!stages.includes("extract") && !stages.includes("transform")) return { resources, jq: undefined };
  const jq = await createJqRunner(config.jqPath as string);
  await checkMappingCompiles(jq, resources);
  return { resources, jq };
}

/**
 * A Port client for reading the integration's mapping: when the command talks to Port anyway (run,
 * load, plan --reconcile), and for a plan that shows what --push-mapping would change (a plan
 * otherwise sends no request).
 */
function openMappingClient(deps: PipelineDeps, command: PipelineCommand, flags: RunFlags): PortClient | undefined {
  const talksToPort = needsCheck(command, flags.reconcile).port || (command === "plan" && flags.pushMapping);
  if (!talksToPort) return undefined;
  const { config, signal } = deps;
  return createPortClient({ port: config.port, network: config.network, userAgent: userAgentFor(config), signal });
}

/**
 * Runs `body` holding the staging file's lock. On a second signal the process exits without unwinding,
 * so the lock and the row of the run `body` reported started are settled by a synchronous cleanup.
 */
async function whileHoldingStagingFile<T>(opened: OpenedDatabase, deps: PipelineDeps, body: (onRunStarted: (runId: number) => void) => Promise<T>): Promise<T> {
  const lock = await lockStagingFile(opened);
  let startedRunId: number | undefined;
  const unregister = deps.atForcedExit?.(() => {
    if (startedRunId !== undefined && opened.sqlite.open) {
      markRunInterruptedNow(opened.sqlite, startedRunId, now(), "stopped at once by a second signal; the next run repairs its effects");
    }
    lock.releaseNow();
  });
  try {
    return await body((runId) => {
      startedRunId = runId;
    });
  } finally {
    unregister?.();
    await lock.release();
  }
}

interface RunStart {
  readonly deps: PipelineDeps;
  readonly db: StagingDb;
  readonly command: PipelineCommand;
  readonly flags: RunFlags;
  readonly started: number;
  /** Prepared before the staging file was opened: the run's mapping is a named file, whatever Port holds. */
  readonly prepared: PreparedStages | undefined;
}

/**
 * Everything before the first stage: refuses --adopt-port where nothing writes to Port, checks the Port
 * binding (a file that synced with another Port must not be diffed against this one) and the
 * credentials, resolves the mapping (Port's integration config unless a file is named: see
 * mapping-source.ts) and compiles it, adopts, writes the mapping to Port where it is due, and opens
 * the run's row.
 */
async function startRun(start: RunStart, onRunStarted: (runId: number) => void): Promise<RunContext> {
  const { deps, db, command, flags } = start;
  const { config } = deps;
  const stages: readonly Stage[] = COMMANDS[command].stages;
  if (flags.adoptPort && !stages.includes("load")) throw new ConfigError([`--adopt-port: ${command} does not talk to Port; adopt the staging file with run or load`]);
  if (flags.adoptPort && command === "plan") throw new ConfigError(["--adopt-port: plan writes nothing; adopt the staging file with run or load"]);
  const binding = stages.includes("load") ? await checkPortBinding(db, config.databasePath, config.port, flags.adoptPort) : "keep";
  await checkCredentials(
    { signal: deps.signal },
    { config, command, resources: start.prepared?.resources ?? config.mapping.resources, reconcile: flags.reconcile, userAgent: userAgentFor(config) },
  );
  const client = openMappingClient(deps, command, flags);
  try {
    const request: MappingRequest = {
      config,
      client,
      push: flags.pushMapping,
      writes: command === "run" || command === "load",
      warn: (message) => deps.progress.report({ type: "warning", stage: stages[0] ?? "load", message }),
    };
    const resolution = await resolveMapping(db, request);
    const { resources, jq } = start.prepared ?? (await prepareStages(config, resolution.mapping, flags.only, stages));
    // Judged on the kinds of the mapping the run resolved, which extract and transform used too.
    if (stages[0] === "load") await refuseUntransformedExtracts(db, resources);
    if (binding === "adopt") await adoptPort(db, config.port);
    const mapping = await commitMapping(db, request, resolution);
    const runId = await createRun(db, command, { ...flags }, now());
    onRunStarted(runId);
    await closeAbandonedRuns(db, runId, now());
    const runDeps = { ...deps, config: Object.freeze({ ...config, mapping: resolution.mapping }) };
    return { deps: runDeps, db, command, flags, resources, jq, started: start.started, runId, binding, mapping };
  } finally {
    client?.close();
  }
}

/**
 * Runs one stage and records it in the run's row: started, then finished with its verdict, or failed
 * (interrupted on abort) with the error it threw, which it returns. A stage that gives up part-way still
 * says what it did before (e.g. load: the batches Port confirmed).
 */
async function runRecordedStage(run: RunContext, stage: Stage, summaries: StageSummaries): Promise<{ crash: unknown } | undefined> {
  const { db, runId } = run;
  const signal = run.deps.signal;
  await startStage(db, runId, stage, now());
  try {
    const summary = await STAGE_RUNNERS[stage](run);
    Object.assign(summaries, { [stage]: summary });
    const verdict = judgeRun({ [stage]: summary }, signal?.aborted ?? false);
    await finishStage(db, runId, stage, { status: verdict.status, finishedAt: now(), summary, error: verdict.errors.join("\n") || undefined });
    return undefined;
  } catch (error) {
    if (error instanceof StageFailedError) Object.assign(summaries, { [stage]: error.summary });
    await finishStage(db, runId, stage, {
      status: signal?.aborted ? "interrupted" : "failed",
      finishedAt: now(),
      summary: summaries[stage] ?? null,
      error: error instanceof Error ? error.message : String(error),
    });
    return { crash: error };
  }
}

interface StagesOutcome {
  readonly summaries: StageSummaries;
  readonly crash?: unknown;
  /** The stage that threw `crash`. */
  readonly crashed?: Stage;
  /** Transform and load were skipped because every kind failed to extract. */
  readonly skipped?: boolean;
}

/** Runs the stages in order until one throws or the run is aborted; skips the rest when no kind could be extracted. */
async function runStages(run: RunContext, stages: readonly Stage[]): Promise<StagesOutcome> {
  const summaries: StageSummaries = {};
  for (const stage of stages) {
    if (run.deps.signal?.aborted) break;
    // Transform and load would only re-map and re-push the previous run's records.
    const kinds = summaries.extract?.kinds ?? [];
    if (stage !== "extract" && kinds.length > 0 && kinds.every((k) => k.status === "failed")) return { summaries, skipped: true };
    const failure = await runRecordedStage(run, stage, summaries);
    if (failure) return { summaries, crash: failure.crash, crashed: stage };
  }
  return { summaries };
}

/**
 * Judges the run from its stages' summaries and the crash, records it in the run's row, and returns its
 * summary; throws the crash when it is a ConfigError, else StageFailedError when the run failed.
 */
async function finishPipelineRun(run: RunContext, stages: readonly Stage[], outcome: StagesOutcome): Promise<RunSummary> {
  const { summaries, crash, crashed } = outcome;
  const { config } = run.deps;
  const verdict = judgeRun(summaries, run.deps.signal?.aborted ?? false);
  if (crash !== undefined && verdict.status !== "interrupted") {
    verdict.status = "failed";
    verdict.errors.push(crash instanceof Error ? crash.message : String(crash));
  }
  if (outcome.skipped) verdict.errors.push(SKIPPED_AFTER_FAILED_EXTRACT);
  const inbox = await readInboxStatus(run.db);
  const summary: RunSummary = {
    runId: run.runId,
    mapping: run.mapping,
    status: verdict.status,
    ...summaries,
    durationMs: Date.now() - run.started,
    databasePath: config.databasePath,
    errors: verdict.errors,
    // A staging file serve receives webhooks into: its backlog belongs in every run's report.
    ...(inbox.pending + inbox.applied + inbox.ignored > 0 ? { webhooks: inbox } : {}),
  };
  await finishRun(run.db, run.runId, { status: summary.status, finishedAt: now(), summary, error: verdict.errors.join("\n") || undefined });
  if (crash instanceof ConfigError) throw crash;
  if (summary.status === "failed") {
    // The crash explains the first error only when no earlier stage failed first: a kind that failed to
    // extract is not caused by Port being unreachable during the load.
    const earlier = crashed === undefined ? {} : Object.fromEntries(stages.slice(0, stages.indexOf(crashed)).map((name) => [name, summaries[name]]));
    const isCrashFirst = crash !== undefined && judgeRun(earlier, false).errors.length === 0;
    throw new StageFailedError("pipeline", verdict.errors[0] ?? "a stage failed", summary, isCrashFirst ? { cause: crash } : undefined);
  }
  return summary;
}

/**
 * Runs the stages of `options.command` against the staging file of `config`, holding its lock. Before
 * any stage, checks the credentials the stages will use (see checkCredentials) and resolves the
 * mapping (Port's integration config, unless a file is named). When every kind fails to extract, the
 * later stages are skipped. Returns the run's summary, naming the mapping's source; throws
 * StageFailedError (carrying the summary) when a stage failed, ConfigError for an unusable mapping
 * (a named file's before any HTTP request; Port's naming its integration) or staging file, or refused
 * credentials, LockedError when another process holds the file.
 */
export async function runPipeline(deps: PipelineDeps, options: PipelineOptions): Promise<RunSummary> {
  const { config } = deps;
  const { command } = options;
  const stages: readonly Stage[] = COMMANDS[command].stages;
  const flags = flagsOf(options);
  // A named file is the run's mapping whatever Port holds: a typo in it fails before any request.
  const prepared = config.mappingNamed === undefined ? undefined : await prepareStages(config, config.mapping, flags.only, stages);
  // Extract and transform write hundreds of MB: their commits must not wait for checkpoints.
  const opened = openDatabase(config.databasePath, { backgroundCheckpoints: true });
  const started = Date.now();
  try {
    return await whileHoldingStagingFile(opened, deps, async (onRunStarted) => {
      const run = await startRun({ deps, db: opened.db, command, flags, started, prepared }, onRunStarted);
      return finishPipelineRun(run, stages, await runStages(run, stages));
    });
  } catch (error) {
    throw asDamagedStagingFile(error, config.databasePath);
  } finally {
    await opened.close();
  }
}
