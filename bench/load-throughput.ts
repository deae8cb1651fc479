// Load throughput: stages n entities (users, incidents relating to users, follow-ups relating to
// both) in a staging file, then times a first load into the Port sandbox over real HTTP and counts
// Port requests against ceil(n/20); then times a second load with nothing changed.
//   pnpm exec tsx bench/load-throughput.ts [entities=100000] [sandboxLatencyMs=0]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../db/database";
import { MAX_UPSERT_BATCH } from "../src/load/batches";
import { load } from "../src/load";
import { SILENT_PROGRESS } from "../src/model/progress";
import { startPortSandbox } from "../src/sandbox/port/server";
import { followUp, incident, makeLoadInput, recordExtract, stageEntities, user, type TestEntity } from "../test/helpers/load-fixtures";

const total = Number(process.argv[2] ?? 100_000);
const latencyMs = Number(process.argv[3] ?? 0);
const users = Math.max(1, Math.round(total * 0.1));
const incidents = Math.round(total * 0.4);
const followUps = total - users - incidents;

const entities: TestEntity[] = [
  ...Array.from({ length: users }, (_, k) => user(`u${k}`)),
  ...Array.from({ length: incidents }, (_, k) => incident(`i${k}`, `u${k % users}`, { title: `Incident ${k}: checkout latency above SLO in eu-west-1 ` })),
  ...Array.from({ length: followUps }, (_, k) => followUp(`f${k}`, `i${k % Math.max(1, incidents)}`, [`u${k % users}`, `u${(k + 1) % users}`])),
];

const dir = mkdtempSync(join(tmpdir(), "load-bench-"));
const opened = openDatabase(join(dir, "etl.sqlite"));
// The sandbox's entity budget is Port's (35,000 requests / 5 min); a first load of 100k needs 5,000.
const sandbox = await startPortSandbox({ latencyMs });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
try {
  await recordExtract(opened.db, 1);
  await stageEntities(opened.db, entities);

  const run = async (runId: number) => {
    const before = sandbox.requests.length;
    const started = performance.now();
    const summary = await load({ db: opened.db, progress: SILENT_PROGRESS }, makeLoadInput(sandbox, { runId }));
    const seconds = (performance.now() - started) / 1000;
    const requests = sandbox.requests.slice(before);
    return { summary, seconds, requests: requests.length, bulk: requests.filter((request) => request.path.endsWith("/entities/bulk")).length };
  };

  const first = await run(1);
  const floor = Math.ceil(total / MAX_UPSERT_BATCH);
  const inPort = ["testUser", "testIncident", "testFollowUp"].reduce((sum, blueprint) => sum + sandbox.entities(blueprint).length, 0);
  console.log(`first load of ${total} entities (sandbox latency ${latencyMs} ms):`);
  console.log(`  ${first.seconds.toFixed(1)} s, ${Math.round(total / first.seconds)} entities/s; ${inPort} entities in Port; failures ${first.summary.failures?.length ?? 0}`);
  console.log(`  Port requests: ${first.requests} = ${first.bulk} bulk upserts + ${first.requests - first.bulk} others; ceil(n/20) = ${floor}, so constant = ${first.requests - floor}`);
  const second = await run(2);
  console.log(`second load, nothing changed: ${second.seconds.toFixed(2)} s, ${second.requests} Port requests (${second.bulk} bulk)`);
  console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
} finally {
  clearInterval(sampler);
  await sandbox.close();
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
}
