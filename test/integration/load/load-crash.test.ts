import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import { MAX_UPSERT_BATCH } from "../../../src/load/batches";
import type { LoadSummary } from "../../../src/model/summary";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { expectedInPort, followUp, incident, readPortState, recordExtract, stageEntities, user, type TestEntity } from "../../helpers/load-fixtures";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
const CHILD = fileURLToPath(new URL("../../helpers/load-child.ts", import.meta.url));
/** Bulk requests the load keeps in flight (src/load/index.ts): the most a SIGKILL can leave unrecorded. */
const IN_FLIGHT = 4;
const CHILD_TIMEOUT_MS = 40_000;

const pad = (n: number) => String(n).padStart(4, "0");

/** 5,500 entities; users u1500+ and incidents i1000+ are nobody's relation target. */
function firstSource(): TestEntity[] {
  return [
    ...Array.from({ length: 2000 }, (_, k) => user(`u${pad(k)}`)),
    ...Array.from({ length: 2500 }, (_, k) => incident(`i${pad(k)}`, `u${pad(k % 1500)}`)),
    ...Array.from({ length: 1000 }, (_, k) => followUp(`f${pad(k)}`, `i${pad(k)}`, [`u${pad(k % 1500)}`])),
  ];
}

/** 1,000 updates, 1,200 additions and 300 deletions (of entities nothing relates to) across three kinds. */
function secondSource(): TestEntity[] {
  const deleted = (entity: TestEntity): boolean => {
    const n = Number(entity.identifier.slice(1));
    return (entity.blueprint === "testUser" && n >= 1900) || (entity.blueprint === "testIncident" && n >= 2400) || (entity.blueprint === "testFollowUp" && n >= 900);
  };
  const changed = firstSource()
    .filter((entity) => !deleted(entity))
    .map((entity) => {
      const n = Number(entity.identifier.slice(1));
      if (entity.blueprint === "testUser" && n < 500) return { ...entity, title: `Renamed ${entity.identifier}` };
      if (entity.blueprint === "testIncident" && n >= 1000 && n < 1500) return { ...entity, properties: { ...entity.properties, status: "resolved" } };
      return entity;
    });
  return [
    ...changed,
    ...Array.from({ length: 500 }, (_, k) => user(`n${pad(k)}`)),
    ...Array.from({ length: 500 }, (_, k) => incident(`j${pad(k)}`, `n${pad(k)}`)),
    ...Array.from({ length: 200 }, (_, k) => followUp(`g${pad(k)}`, `j${pad(k)}`)),
  ];
}

interface ChildRun {
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly summary: LoadSummary | undefined;
  readonly stderr: string;
}

/** Runs one load in a child process; `killWhen` is polled every millisecond and SIGKILLs the child once true. */
async function runChild(settingsPath: string, killWhen?: () => boolean): Promise<ChildRun> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, settingsPath], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const watch = killWhen
    ? setInterval(() => {
        if (killWhen()) child.kill("SIGKILL");
      }, 1)
    : undefined;
  const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    const line = stdout.trim().split("\n").at(-1);
    return { code, signal, stderr, summary: line ? (JSON.parse(line) as LoadSummary) : undefined };
  } finally {
    clearInterval(watch);
    clearTimeout(timer);
  }
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("load killed with SIGKILL", () => {
  it("loses nothing: reruns leave Port exact, every delete done, and nothing written twice beyond the batches in flight", async () => {
    const dir = mkdtempSync(join(tmpdir(), "load-crash-"));
    const sandbox: PortSandbox = await startPortSandbox({ latencyMs: 3 });
    cleanup = async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    };
    const databasePath = join(dir, "etl.sqlite");
    const settingsFor = (runId: number): string => {
      const path = join(dir, `run-${runId}.json`);
      writeFileSync(path, JSON.stringify({ databasePath, runId, sandbox: { baseUrl: sandbox.baseUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret } }));
      return path;
    };
    const stage = async (runId: number, entities: TestEntity[]): Promise<void> => {
      const opened = openDatabase(databasePath);
      try {
        await recordExtract(opened.db, runId);
        await stageEntities(opened.db, entities);
      } finally {
        await opened.close();
      }
    };

    await stage(1, firstSource());
    const first = await runChild(settingsFor(1));
    expect(first.stderr).toBe("");
    expect(readPortState(sandbox)).toEqual(expectedInPort(firstSource()));

    await stage(2, secondSource());
    const start = sandbox.writes.length;
    const since = () => sandbox.writes.slice(start);
    // Killed in the middle of the upserts...
    const upsertsKilled = await runChild(settingsFor(2), () => since().length >= 700);
    expect(upsertsKilled.signal).toBe("SIGKILL");
    const afterFirstKill = since().length;
    expect(afterFirstKill).toBeLessThan(2200);
    // ...then, rerun, killed as soon as Port has deleted something...
    const deletesKilled = await runChild(settingsFor(3), () => since().some((write) => write.op === "delete"));
    expect(deletesKilled.signal).toBe("SIGKILL");
    expect(since().filter((write) => write.op === "delete").length).toBeLessThan(300);
    // ...and rerun to the end.
    const last = await runChild(settingsFor(4));
    expect(last.code).toBe(0);
    expect(last.summary?.failures).toEqual([]);

    const second = secondSource();
    expect(readPortState(sandbox)).toEqual(expectedInPort(second));
    const writesOf = new Map<string, number>();
    for (const write of since()) writesOf.set(`${write.op} ${write.blueprint}/${write.identifier}`, (writesOf.get(`${write.op} ${write.blueprint}/${write.identifier}`) ?? 0) + 1);
    const firstKeys = new Set(firstSource().map((entity) => `${entity.blueprint}/${entity.identifier}`));
    const secondKeys = new Set(second.map((entity) => `${entity.blueprint}/${entity.identifier}`));
    const deletes = [...firstKeys].filter((key) => !secondKeys.has(key));
    expect(deletes).toHaveLength(300);
    // No delete lost, none repeated (the sandbox logs a delete only when it removed something).
    expect(deletes.every((key) => writesOf.get(`delete ${key}`) === 1)).toBe(true);
    expect([...writesOf.keys()].filter((key) => key.startsWith("placeholder"))).toEqual([]);
    const upserts = [...writesOf.entries()].filter(([key]) => key.startsWith("upsert"));
    expect(upserts).toHaveLength(2200);
    const repeated = upserts.reduce((sum, [, count]) => sum + count - 1, 0);
    // Each kill can leave at most the batches in flight confirmed by Port but unrecorded.
    expect(repeated).toBeLessThanOrEqual(2 * IN_FLIGHT * MAX_UPSERT_BATCH);
  }, 120_000);
});
