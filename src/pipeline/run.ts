import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { asDamagedStagingFile, openDatabase } from "../../db/database";
import { closeAbandonedRuns, createRun, finishRun, finishStage, markRunInterruptedNow, startStage } from "../../db/queries/runs";
import { ConfigError, StageFailedError } from "../errors";
import { extract } from "../extract";
import { createJqRunner } from "../jq/jq-runner";
import { load } from "../load";
import type { Config } from "../model/config";
import type { Progress } from "../model/progress";
import type { Stage } from "../model/stage";
import type { ExtractSummary, LoadSummary, RunSummary, TransformSummary } from "../model/summary";
import { checkMappingCompiles, transform } from "../transform";
import { judgeRun } from "./outcome";
import { adoptPort, checkPortBinding } from "./port-binding";
import { checkCredentials } from "./preflight";
import { selectResources } from "./select-resources";
import { lockStagingFile } from "./staging-lock";

export const PIPELINE_COMMANDS = ["run", "extract", "transform", "plan", "load"] as const;
export type PipelineCommand = (typeof PIPELINE_COMMANDS)[number];

const STAGES_OF: Record<PipelineCommand, readonly Stage[]> = {
  run: ["extract", "transform", "load"],
  extract: ["extract"],
  transform: ["transform"],
  plan: ["load"],
  load: ["load"],
};

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

export interface PipelineOptions {
  readonly command: PipelineCommand;
  /** Kinds, short names or blueprints to narrow every stage to. */
  readonly only?: readonly string[] | undefined;
  readonly allowMassDelete?: boolean | undefined;
  readonly reconcile?: boolean | undefined;
  /** --full-refresh: extract every kind in full, even those due an incremental read. */
  readonly fullRefresh?: boolean | undefined;
  /** --adopt-port: the staging file synced with another Port; bind it to the one configured now, and reconcile. */
  readonly adoptPort?: boolean | undefined;
  /** --delete-removed-resources: delete the entities of resources no longer in the mapping. */
  readonly deleteRemovedResources?: boolean | undefined;
}

const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string }).version;

/** The User-Agent of both clients; Port derives an entity's `$datasource` from it, so it stays stable. */
export function userAgentFor(config: Config): string {
  return `incidentio-port-etl/${VERSION} (integration ${config.integration.identifier})`;
}

/** The line a run's summary carries when every kind failed to extract and the later stages were skipped. */
export const SKIPPED_AFTER_FAILED_EXTRACT = "transform and load skipped: no kind could be extracted, so there is nothing new to map or push";

/**
 * Runs the stages of `options.command` against the staging file of `config`, holding its lock. Before
 * any stage, checks the credentials the stages will use (see checkCredentials). When every kind fails to
 * extract, the later stages are skipped. Returns the run's summary; throws StageFailedError (carrying
 * the summary) when a stage failed, ConfigError for an unusable mapping or staging file (before any
 * HTTP request) or refused credentials, LockedError when another process holds the file.
 */
export async function runPipeline(deps: PipelineDeps, options: PipelineOptions): Promise<RunSummary> {
  const { config, progress, signal } = deps;
  const { selected, unknown } = selectResources(config.mapping.resources, options.only);
  if (unknown.length > 0) {
    const known = config.mapping.resources.map((r) => r.name).join(", ");
    throw new ConfigError([`--only: ${unknown.join(", ")} match no resource of the mapping (known: ${known})`]);
  }
  const stages = STAGES_OF[options.command];
  const needsJq = stages.includes("extract") || stages.includes("transform");
  const jq = needsJq ? await createJqRunner(config.jqPath as string) : undefined;
  // A typo in a mapping fails here, before any request leaves the machine.
  if (jq) await checkMappingCompiles(jq, selected);

  // Extract and transform write hundreds of MB: their commits must not wait for checkpoints.
  const opened = openDatabase(config.databasePath, { backgroundCheckpoints: true });
  const started = Date.now();
  try {
    const lock = await lockStagingFile(opened);
    let startedRunId: number | undefined;
    // On a second signal the process exits without unwinding: the lock and the run row are settled here, synchronously.
    const unregister = deps.atForcedExit?.(() => {
      if (startedRunId !== undefined && opened.sqlite.open) {
        markRunInterruptedNow(opened.sqlite, startedRunId, new Date().toISOString(), "stopped at once by a second signal; the next run repairs its effects");
      }
      lock.releaseNow();
    });
    try {
      const { db } = opened;
      // Before any request: a file that synced with another Port must not be diffed against this one.
      if (options.adoptPort && !stages.includes("load")) throw new ConfigError([`--adopt-port: ${options.command} does not talk to Port; adopt the staging file with run or load`]);
      if (options.adoptPort && options.command === "plan") throw new ConfigError(["--adopt-port: plan writes nothing; adopt the staging file with run or load"]);
      const binding = stages.includes("load") ? await checkPortBinding(db, config.databasePath, config.port, options.adoptPort ?? false) : "keep";
      await checkCredentials(
        { signal },
        { config, command: options.command, resources: selected, reconcile: options.reconcile ?? false, userAgent: userAgentFor(config) },
      );
      if (binding === "adopt") await adoptPort(db, config.port);
      const runId = await createRun(
        db,
        options.command,
        {
          only: options.only ?? [],
          allowMassDelete: options.allowMassDelete ?? false,
          reconcile: options.reconcile ?? false,
          fullRefresh: options.fullRefresh ?? false,
          adoptPort: options.adoptPort ?? false,
          deleteRemovedResources: options.deleteRemovedResources ?? false,
        },
        new Date().toISOString(),
      );
      startedRunId = runId;
      await closeAbandonedRuns(db, runId, new Date().toISOString());
      const summaries: { extract?: ExtractSummary; transform?: TransformSummary; load?: LoadSummary } = {};
      let crash: unknown;
      let crashed: (typeof stages)[number] | undefined;
      let skipped = false;
      for (const stage of stages) {
        if (signal?.aborted) break;
        // Transform and load would only re-map and re-push the previous run's records.
        if (stage !== "extract" && summaries.extract && summaries.extract.kinds.length > 0 && summaries.extract.kinds.every((k) => k.status === "failed")) {
          skipped = true;
          break;
        }
        await startStage(db, runId, stage, new Date().toISOString());
        try {
          if (stage === "extract") {
            summaries.extract = await extract(
              { db, progress, jq: jq!, signal },
              {
                runId,
                settings: config.incidentIo,
                network: config.network,
                userAgent: userAgentFor(config),
                resources: selected,
                incremental: config.incremental,
                fullRefresh: options.fullRefresh ?? false,
              },
            );
          } else if (stage === "transform") {
            summaries.transform = await transform(
              { db, progress, jq: jq!, signal },
              { runId, resources: selected, blueprints: config.blueprints, createMissingRelatedEntities: config.mapping.createMissingRelatedEntities },
            );
          } else {
            summaries.load = await load(
              { db, progress, signal },
              {
                runId,
                port: config.port,
                network: config.network,
                userAgent: userAgentFor(config),
                integration: config.integration,
                mapping: config.mapping,
                resources: selected,
                blueprints: config.blueprints,
                initializePortResources: config.initializePortResources,
                sendRawDataExamples: config.sendRawDataExamples,
                allowMassDelete: options.allowMassDelete ?? false,
                reconcile: (options.reconcile ?? false) || binding === "adopt",
                reconcileEveryHours: config.reconcileEveryHours,
                fullRefresh: options.fullRefresh ?? false,
                deleteRemovedResources: options.deleteRemovedResources ?? false,
                dryRun: options.command === "plan",
              },
            );
          }
          const verdict = judgeRun({ [stage]: summaries[stage] }, signal?.aborted ?? false);
          await finishStage(db, runId, stage, {
            status: verdict.status,
            finishedAt: new Date().toISOString(),
            summary: summaries[stage],
            error: verdict.errors.join("\n") || undefined,
          });
        } catch (error) {
          crash = error;
          crashed = stage;
          // A stage that gives up part-way still says what it did before (e.g. load: the batches Port confirmed).
          if (error instanceof StageFailedError) Object.assign(summaries, { [stage]: error.summary });
          await finishStage(db, runId, stage, {
            status: signal?.aborted ? "interrupted" : "failed",
            finishedAt: new Date().toISOString(),
            summary: summaries[stage] ?? null,
            error: error instanceof Error ? error.message : String(error),
          });
          break;
        }
      }
      const verdict = judgeRun(summaries, signal?.aborted ?? false);
      if (crash !== undefined && verdict.status !== "interrupted") {
        verdict.status = "failed";
        verdict.errors.push(crash instanceof Error ? crash.message : String(crash));
      }
      if (skipped) verdict.errors.push(SKIPPED_AFTER_FAILED_EXTRACT);
      const summary: RunSummary = {
        runId,
        status: verdict.status,
        ...summaries,
        durationMs: Date.now() - started,
        databasePath: config.databasePath,
        errors: verdict.errors,
      };
      await finishRun(db, runId, { status: summary.status, finishedAt: new Date().toISOString(), summary, error: verdict.errors.join("\n") || undefined });
      if (crash instanceof ConfigError) throw crash;
      if (summary.status === "failed") {
        // The crash explains the first error only when no earlier stage failed first: a kind that failed to
        // extract is not caused by Port being unreachable during the load.
        const earlier = crashed === undefined ? {} : Object.fromEntries(stages.slice(0, stages.indexOf(crashed)).map((name) => [name, summaries[name]]));
        const isCrashFirst = crash !== undefined && judgeRun(earlier, false).errors.length === 0;
        throw new StageFailedError("pipeline", verdict.errors[0] ?? "a stage failed", summary, isCrashFirst ? { cause: crash } : undefined);
      }
      return summary;
    } finally {
      unregister?.();
      await lock.release();
    }
  } catch (error) {
    throw asDamagedStagingFile(error, config.databasePath);
  } finally {
    await opened.close();
  }
}
