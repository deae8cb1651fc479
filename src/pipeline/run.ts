import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../db/database";
import { closeAbandonedRuns, createRun, finishRun, finishStage, startStage } from "../../db/queries/runs";
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
}

export interface PipelineOptions {
  readonly command: PipelineCommand;
  /** Kinds, short names or blueprints to narrow every stage to. */
  readonly only?: readonly string[] | undefined;
  readonly allowMassDelete?: boolean | undefined;
  readonly reconcile?: boolean | undefined;
  /** --full-refresh: extract every kind in full, even those due an incremental read. */
  readonly fullRefresh?: boolean | undefined;
}

const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string }).version;

/** The User-Agent of both clients; Port derives an entity's `$datasource` from it, so it stays stable. */
export function userAgentFor(config: Config): string {
  return `incidentio-port-etl/${VERSION} (integration ${config.integration.identifier})`;
}

/**
 * Runs the stages of `options.command` against the staging file of `config`, holding its lock. Returns
 * the run's summary; throws StageFailedError (carrying the summary) when a stage failed, ConfigError for
 * an unusable mapping (before any HTTP request), LockedError when another process holds the file.
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
    const lock = await lockStagingFile(opened.db);
    try {
      const { db } = opened;
      const runId = await createRun(
        db,
        options.command,
        {
          only: options.only ?? [],
          allowMassDelete: options.allowMassDelete ?? false,
          reconcile: options.reconcile ?? false,
          fullRefresh: options.fullRefresh ?? false,
        },
        new Date().toISOString(),
      );
      await closeAbandonedRuns(db, runId, new Date().toISOString());
      const summaries: { extract?: ExtractSummary; transform?: TransformSummary; load?: LoadSummary } = {};
      let crash: unknown;
      for (const stage of stages) {
        if (signal?.aborted) break;
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
                reconcile: options.reconcile ?? false,
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
        throw new StageFailedError("pipeline", verdict.errors[0] ?? "a stage failed", summary, crash === undefined ? undefined : { cause: crash });
      }
      return summary;
    } finally {
      await lock.release();
    }
  } finally {
    await opened.close();
  }
}
