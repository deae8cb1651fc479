import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import type { StagingDb } from "../../../db/database";
import { readConfig } from "../../../src/config/read-config";
import { extract } from "../../../src/extract";
import { createJqRunner, type JqRunner } from "../../../src/jq/jq-runner";
import type { Config } from "../../../src/model/config";
import type { Progress, ProgressEvent } from "../../../src/model/progress";
import type { ExtractSummary } from "../../../src/model/summary";
import { startIncidentIoSandbox, type IncidentIoSandbox, type IncidentIoSandboxOptions } from "../../../src/sandbox/incidentio/server";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Port's page's environment for the custom integration, as printed there (a global page size of 100). */
export const PORT_PAGE_ENV = {
  OCEAN__INTEGRATION__CONFIG__AUTH_TYPE: "bearer_token",
  OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: "cursor",
  OCEAN__INTEGRATION__CONFIG__PAGINATION_PARAM: "after",
  OCEAN__INTEGRATION__CONFIG__CURSOR_PATH: "pagination_meta.after",
  OCEAN__INTEGRATION__CONFIG__HAS_MORE_PATH: "pagination_meta.after",
  OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: "100",
  OCEAN__INTEGRATION__CONFIG__SIZE_PARAM: "page_size",
} as const;

/** A sandbox closed after the test. */
export async function startSandbox(options: IncidentIoSandboxOptions = {}): Promise<IncidentIoSandbox> {
  const sandbox = await startIncidentIoSandbox(options);
  cleanups.push(() => sandbox.close());
  return sandbox;
}

/** A temporary directory removed after the test. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "etl-extract-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The configuration a user pointing the product at `sandbox` gets; `mapping` is the YAML of a mapping file, else the shipped one. */
export function configFor(sandbox: IncidentIoSandbox, options: { env?: Record<string, string>; mapping?: string } = {}): Config {
  const flags: { mapping?: string } = {};
  if (options.mapping !== undefined) {
    const path = join(makeTempDir(), "port-app-config.yml");
    writeFileSync(path, options.mapping);
    flags.mapping = path;
  }
  return readConfig(
    {
      env: {
        OCEAN__INTEGRATION__CONFIG__BASE_URL: sandbox.baseUrl,
        OCEAN__INTEGRATION__SECRETS__TOKEN: sandbox.token,
        PATH: process.env["PATH"],
        JQ_PATH: process.env["JQ_PATH"],
        ...options.env,
      },
      flags,
      cwd: PACKAGE_ROOT,
    },
    { incidentIo: true, port: false, jq: true },
  );
}

let jqRunner: Promise<JqRunner> | undefined;

/** The jq runner of the configuration (one per process, as node-jq allows). */
function jqFor(config: Config): Promise<JqRunner> {
  jqRunner ??= createJqRunner(config.jqPath as string);
  return jqRunner;
}

/** A Progress that keeps every event. */
export function recordProgress(onEvent?: (event: ProgressEvent) => void): Progress & { events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return {
    events,
    report(event) {
      events.push(event);
      onEvent?.(event);
    },
  };
}

/** Runs the extract stage as the pipeline would, with run id `runId` (and `--full-refresh` when `fullRefresh`). */
export async function runExtract(
  db: StagingDb,
  config: Config,
  options: { runId?: number; progress?: Progress; signal?: AbortSignal; only?: readonly string[]; fullRefresh?: boolean } = {},
): Promise<ExtractSummary> {
  const resources = options.only ? config.mapping.resources.filter((r) => options.only?.includes(r.name)) : config.mapping.resources;
  return extract(
    { db, progress: options.progress ?? recordProgress(), jq: await jqFor(config), signal: options.signal },
    {
      runId: options.runId ?? 1,
      settings: config.incidentIo,
      network: config.network,
      userAgent: "etl-test",
      resources,
      incremental: config.incremental,
      fullRefresh: options.fullRefresh ?? false,
    },
  );
}

/** Rows of raw_records per kind. */
export async function countByKind(db: StagingDb): Promise<Record<string, number>> {
  const rows = await db.selectFrom("raw_records").select(["kind", (eb) => eb.fn.countAll<number>().as("count")]).groupBy("kind").execute();
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)]));
}
