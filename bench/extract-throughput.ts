// Extract throughput: serves a sandbox organization of 200k alerts and 20k incidents from a child
// process (so its generation does not share our CPU), extracts both kinds into a staging file with the
// shipped mapping and the request budget raised, and reports records a second and peak RSS.
//   pnpm exec tsx bench/extract-throughput.ts [alerts=200000] [incidents=20000]
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../db/database";
import { readConfig } from "../src/config/read-config";
import { extract } from "../src/extract";
import { createJqRunner } from "../src/jq/jq-runner";
import { SILENT_PROGRESS } from "../src/model/progress";
import { startIncidentIoSandbox } from "../src/sandbox/incidentio/server";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TOKEN = "inc_bench_token";

async function serveSandbox(alerts: number, incidents: number): Promise<void> {
  const sandbox = await startIncidentIoSandbox({
    seed: 11,
    token: TOKEN,
    scale: { users: 50, alert_sources: 10, schedules: 5, alerts, incidents, catalog_types: 2, catalog_entries: 10, severities: 4, teams: 5, follow_ups: 10 },
  });
  const counts = { alerts: sandbox.dataset.count("alerts"), incidents: sandbox.dataset.count("incidents") };
  process.send?.({ baseUrl: sandbox.baseUrl, counts });
  process.on("message", (message) => {
    if (message === "usage") {
      const usage = process.resourceUsage();
      process.send?.({ rssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 });
    }
  });
  process.on("disconnect", () => void sandbox.close().then(() => process.exit(0)));
}

function nextMessage<T>(child: ReturnType<typeof fork>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the sandbox process did not answer within 60 s")), 60_000);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(message as T);
    });
  });
}

async function measure(alerts: number, incidents: number): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["serve", String(alerts), String(incidents)], { execArgv: process.execArgv, stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "extract-bench-"));
  try {
    const served = await nextMessage<{ baseUrl: string; counts: { alerts: number; incidents: number } }>(child);
    const config = readConfig(
      {
        env: {
          OCEAN__INTEGRATION__CONFIG__BASE_URL: served.baseUrl,
          OCEAN__INTEGRATION__SECRETS__TOKEN: TOKEN,
          ETL_REQUESTS_PER_MINUTE: "100000000",
          PATH: process.env["PATH"],
          JQ_PATH: process.env["JQ_PATH"],
        },
        flags: { db: join(dir, "bench.sqlite") },
        cwd: ROOT,
      },
      { incidentIo: true, port: false, jq: true },
    );
    const opened = openDatabase(config.databasePath);
    const jq = await createJqRunner(config.jqPath as string);
    let peakHeapMb = 0;
    const sampler = setInterval(() => (peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 2 ** 20)), 100);
    const sandboxBefore = (child.send("usage"), await nextMessage<{ cpuSeconds: number }>(child));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const summary = await extract(
      { db: opened.db, progress: SILENT_PROGRESS, jq },
      {
        runId: 1,
        settings: config.incidentIo,
        network: config.network,
        userAgent: "extract-bench",
        resources: config.mapping.resources.filter((r) => r.name === "alerts" || r.name === "incidents"),
        incremental: config.incremental,
        fullRefresh: true,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    await opened.close();
    child.send("usage");
    const sandboxAfter = await nextMessage<{ rssMb: number; cpuSeconds: number }>(child);
    const records = summary.kinds.reduce((sum, k) => sum + k.records, 0);
    const failed = summary.kinds.filter((k) => k.status !== "complete");
    console.log(
      JSON.stringify(
        {
          node: process.version,
          served: served.counts,
          kinds: summary.kinds.map((k) => ({ name: k.name, status: k.status, pages: k.pages, records: k.records, requests: k.requests, seconds: k.durationMs / 1000 })),
          records,
          seconds: Number(seconds.toFixed(2)),
          recordsPerSecond: Math.round(records / seconds),
          // CPU seconds spent by the extract and by the sandbox serving it: a figure that does not depend on
          // what else the machine is doing, unlike the wall-clock rate.
          extractCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
          sandboxCpuSeconds: Number((sandboxAfter.cpuSeconds - sandboxBefore.cpuSeconds).toFixed(2)),
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
          peakHeapMb: Math.round(peakHeapMb),
          sandboxPeakRssMb: Math.round(sandboxAfter.rssMb),
        },
        null,
        2,
      ),
    );
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    child.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, alertsArg, incidentsArg] = process.argv.slice(2);
if (mode === "serve") await serveSandbox(Number(alertsArg), Number(incidentsArg));
else await measure(Number(mode ?? 200_000), Number(alertsArg ?? 20_000));
