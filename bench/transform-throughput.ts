// Transform throughput: seeds the raw records of a large sandbox organization into a staging file,
// then times `transform` with the shipped mapping and reports entities a second and peak RSS, twice,
// each time on a fresh copy of the file: with node's default heap, as `pnpm etl` runs, then with
// V8's old space capped at 192 MB, which proves that batches stream (memory does not follow the
// record count) at the price of more garbage collection.
//   pnpm exec tsx bench/transform-throughput.ts [records=200000]
// Prints entities a second, CPU per entity (node and jq apart: other load on the machine slows the
// wall clock, not the CPU figures) and the transform process's peak RSS.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../db/database";
import { upsertRawRecords } from "../db/queries/raw-records";
import { parseBlueprints } from "../src/config/blueprints";
import { parsePortAppConfig } from "../src/config/port-app-config";
import { createJqRunner } from "../src/jq/jq-runner";
import { SILENT_PROGRESS } from "../src/model/progress";
import { createIncidentIoDataset } from "../src/sandbox/incidentio/dataset";
import type { IncidentIoKind } from "../src/sandbox/incidentio/kinds";
import { transform } from "../src/transform";
import { PRODUCT_NODE_FLAGS } from "./product";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const target = Number(process.argv[2] ?? 200_000);
// The second measurement caps V8's heap: the transform must stream, whatever the record count.
const HEAP_CAP_MB = 192;
// Proportions of a busy organization: alerts dominate, as in the sandbox's `large` preset.
const share = (fraction: number): number => Math.max(1, Math.round(target * fraction));
const counts = {
  users: share(0.025),
  alert_sources: share(0.0003),
  schedules: share(0.0025),
  alerts: share(0.6),
  incidents: share(0.15),
  catalog_types: 10,
  catalog_entries: share(0.015),
  severities: 4,
  teams: share(0.0025),
  follow_ups: share(0.2),
};

/** CPU seconds of this process and of its finished children (the jq processes), from /proc (Linux). */
function readCpuSeconds(): { self: number; selfSystem: number; children: number; faults: number } {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = (index: number): number => Number(fields[index - 3] ?? 0) / 100;
  return { self: ticks(14) + ticks(15), selfSystem: ticks(15), children: ticks(16) + ticks(17), faults: Number(fields[7]) };
}

function findJq(): string {
  const fromEnv = process.env["JQ_PATH"];
  if (fromEnv) return fromEnv;
  for (const dir of (process.env["PATH"] ?? "").split(":")) {
    try {
      readFileSync(join(dir, "jq"));
      return join(dir, "jq");
    } catch {
      // not in this directory
    }
  }
  throw new Error("jq not found: set JQ_PATH");
}

const blueprints = parseBlueprints(readFileSync(join(ROOT, "resources/blueprints.json"), "utf8"), "blueprints.json").blueprints;
const mapping = parsePortAppConfig(
  readFileSync(join(ROOT, "resources/port-app-config.yml"), "utf8"),
  "port-app-config.yml",
  { type: "cursor", pageSize: 250, param: "after", sizeParam: "page_size", cursorPath: "pagination_meta.after", hasMorePath: undefined, startPage: 0 },
  blueprints,
).config;
if (!mapping) throw new Error("the shipped mapping does not parse");

async function seed(path: string): Promise<number> {
  const opened = openDatabase(path);
  try {
    const dataset = createIncidentIoDataset({ seed: 7, scale: counts });
    let seeded = 0;
    for (const resource of mapping!.resources) {
      let rows = [];
      for (const record of dataset.records(resource.name as IncidentIoKind)) {
        const isEntry = resource.name === "catalog_entries";
        const payload = JSON.stringify(isEntry ? { ...record, __catalog_type_id: String(record["catalog_type_id"]) } : record);
        rows.push({
          kind: resource.kind,
          parent_key: isEntry ? String(record["catalog_type_id"]) : "",
          record_id: String(record["id"]),
          payload,
          payload_hash: String(payload.length),
          run_id: 1,
          fetched_at: "2026-01-01T00:00:00Z",
        });
        if (rows.length === 1000) {
          await upsertRawRecords(opened.db, rows);
          rows = [];
        }
        seeded += 1;
      }
      await upsertRawRecords(opened.db, rows);
    }
    return seeded;
  } finally {
    await opened.close();
  }
}

async function measure(path: string, heapCap: string): Promise<void> {
  const opened = openDatabase(path, { backgroundCheckpoints: true });
  try {
    const jq = await createJqRunner(findJq());
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = readCpuSeconds();
    const started = process.hrtime.bigint();
    const summary = await transform(
      { db: opened.db, progress: SILENT_PROGRESS, jq },
      { runId: 1, resources: mapping!.resources, blueprints, createMissingRelatedEntities: mapping!.createMissingRelatedEntities },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = readCpuSeconds();
    const records = summary.kinds.reduce((sum, kind) => sum + kind.records, 0);
    const entities = summary.kinds.reduce((sum, kind) => sum + kind.entities, 0);
    const nodeCpu = cpuAfter.self - cpuBefore.self;
    const jqCpu = cpuAfter.children - cpuBefore.children;
    console.log(`jq ${jq.version}: ${entities} entities from ${records} records in ${seconds.toFixed(2)} s = ${Math.round(entities / seconds)} entities/s`);
    console.log(
      `CPU: node ${nodeCpu.toFixed(2)} s (${(cpuAfter.selfSystem - cpuBefore.selfSystem).toFixed(2)} s in the kernel, ${cpuAfter.faults - cpuBefore.faults} page faults), jq ${jqCpu.toFixed(2)} s = ${Math.round(((nodeCpu + jqCpu) / entities) * 1e6)} µs an entity ` +
        `(on 2 otherwise idle cores: ~${Math.round((2 * entities) / (nodeCpu + jqCpu))} entities/s)`,
    );
    console.log(
      `RSS when the transform started ${(rssBefore / 1048576).toFixed(0)} MB, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB ` +
        `(${heapCap === "default" ? "node's default heap" : `V8 old space capped at ${heapCap} MB`})`,
    );
    for (const kind of summary.kinds) {
      console.log(
        `  ${kind.name.padEnd(16)} ${String(kind.records).padStart(7)} records ${String(kind.entities).padStart(7)} entities ` +
          `${String(kind.mappingErrors).padStart(5)} errors ${String(kind.heldBack).padStart(5)} held back ${(kind.durationMs / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    await opened.close();
  }
}

// Each transform runs in a process of its own, so its peak RSS is not the seeding's.
if (process.argv[3] !== undefined) {
  await measure(process.argv[3], process.argv[4] ?? "default");
} else {
  const dir = mkdtempSync(join(tmpdir(), "transform-bench-"));
  try {
    const path = join(dir, "bench.sqlite");
    const seedStarted = Date.now();
    const seeded = await seed(path);
    console.log(`seeded ${seeded} raw records in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    for (const heapCap of ["default", String(HEAP_CAP_MB)]) {
      const copy = join(dir, `transform-${heapCap}.sqlite`);
      copyFileSync(path, copy);
      const heapFlags = [...PRODUCT_NODE_FLAGS, ...(heapCap === "default" ? [] : [`--max-old-space-size=${heapCap}`])];
      const child = spawnSync(process.execPath, [...process.execArgv, ...heapFlags, fileURLToPath(import.meta.url), String(target), copy, heapCap], {
        stdio: "inherit",
      });
      if (child.status !== 0) process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
