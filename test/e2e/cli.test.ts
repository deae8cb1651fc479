import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startDemoSandboxes, type DemoSandboxes } from "../../src/pipeline/demo";
import { fireAlert } from "../../src/sandbox/incidentio/alert-lifecycle";
import type { IncidentIoKind } from "../../src/sandbox/incidentio/kinds";
import { runCli, startCli } from "../helpers/cli-process";
import { BLUEPRINT_OF_KIND } from "../helpers/shipped-blueprints";


let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await sandboxes?.close();
  sandboxes = undefined;
});

async function setUp(): Promise<{ sandboxes: DemoSandboxes; env: Record<string, string> }> {
  sandboxes = await startDemoSandboxes();
  const db = join(mkdtempSync(join(tmpdir(), "etl-e2e-")), "etl.sqlite");
  return { sandboxes, env: { ...sandboxes.env, ETL_DB: db, CI: "true" } };
}

/** What the API lists for a kind, with the shipped mapping's filters (inactive users included). */
function sourceCount(s: DemoSandboxes, kind: IncidentIoKind): number {
  return s.incidentIo.dataset.count(kind, kind === "users" ? { includeInactive: true } : {});
}

function expectPortMirrorsSource(s: DemoSandboxes): void {
  for (const [kind, blueprint] of Object.entries(BLUEPRINT_OF_KIND) as [IncidentIoKind, string][]) {
    const ids = new Set(s.port.entities(blueprint).map((e) => e.identifier));
    const expected = [...s.incidentIo.dataset.records(kind, kind === "users" ? { includeInactive: true } : {})].map((r) => r["id"] as string);
    expect({ blueprint, count: ids.size }).toEqual({ blueprint, count: sourceCount(s, kind) });
    expect(expected.every((id) => ids.has(id))).toBe(true);
  }
}

describe("etl run as a scheduler runs it", () => {
  it("syncs every kind with the environment of Port's Docker example, then a rerun writes nothing", async () => {
    const { sandboxes: s, env } = await setUp();
    const first = await runCli(["run"], env);
    expect(first.code, first.stderr).toBe(0);
    expectPortMirrorsSource(s);
    expect(first.stdout).toMatch(/Run 1 succeeded/);

    const writes = s.port.writes.length;
    const second = await runCli(["run"], env);
    expect(second.code, second.stderr).toBe(0);
    expect(s.port.writes.length).toBe(writes);
  });

  it("prints plain readable lines without ANSI escapes when CI=true", async () => {
    const { env } = await setUp();
    const result = await runCli(["run"], env);
    expect(result.code).toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/\u001b/);
    for (const line of output.split("\n").filter(Boolean)) expect(line).toMatch(/^[\x20-\x7e]+$/u);
    expect(result.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z extract: started \(10 kinds\)$/m);
    expect(result.stdout).toMatch(/^kind +extracted +entities +created +updated +deleted +unchanged +held back +errors$/m);
  });

  it("prints the summary as one JSON document with --json", async () => {
    const { env } = await setUp();
    const result = await runCli(["run", "--json"], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; extract: { kinds: unknown[] }; load: { blueprints: unknown[] } };
    expect(summary.status).toBe("succeeded");
    expect(summary.extract.kinds).toHaveLength(10);
    expect(summary.load.blueprints).toHaveLength(10);
  });

  it("exits 2 with every problem listed when the configuration is bad, before any request", async () => {
    const { sandboxes: s, env } = await setUp();
    const result = await runCli(["run"], { ...env, OCEAN__INTEGRATION__SECRETS__TOKEN: "", OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: "sideways" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("OCEAN__INTEGRATION__SECRETS__TOKEN");
    expect(result.stderr).toContain("OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE");
    expect(s.incidentIo.requests).toHaveLength(0);
    expect(s.port.requests).toHaveLength(0);
  });
});

describe("POLLING", () => {
  it("re-runs every interval, and a SIGTERM during a load exits 0 and loses nothing", async () => {
    const { sandboxes: s, env } = await setUp();
    const polling = startCli(["run"], { ...env, OCEAN__EVENT_LISTENER: '{"type":"POLLING"}', OCEAN__SCHEDULED_RESYNC_INTERVAL: "0.01" });
    await polling.waitForStdout(/^Run \d+ succeeded/m, 3);

    // Make the next load long: many new records (alerts read incrementally list those) and a slow Port.
    for (let count = 0; count < 200; count += 1) fireAlert(s.incidentIo.dataset, { title: `Alert ${count} (re-fired)` });
    s.port.latencyMs = 150;
    const loadsSoFar = (polling.stdout().match(/ load: started/g) ?? []).length;
    await polling.waitForStdout(/ load: started/, loadsSoFar + 1);
    polling.child.kill("SIGTERM");
    const stopped = await polling.done;
    expect(stopped.code, stopped.stderr).toBe(0);

    const sqlite = new BetterSqlite3(env["ETL_DB"] as string, { readonly: true });
    const statuses = sqlite.prepare("select status from runs order by id").pluck().all();
    sqlite.close();
    expect(statuses.slice(0, 3)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(statuses.at(-1)).toBe("interrupted");

    s.port.latencyMs = 0;
    const next = await runCli(["run"], env);
    expect(next.code, next.stderr).toBe(0);
    expectPortMirrorsSource(s);
    const retitled = s.port.entities("incidentioAlert").filter((e) => String(e.title).endsWith("(re-fired)"));
    expect(retitled).toHaveLength(200);
  });
});

describe("the staging-file lock", () => {
  it("refuses a second load on the same file while the first is running", async () => {
    const { sandboxes: s, env } = await setUp();
    expect((await runCli(["extract"], env)).code).toBe(0);
    expect((await runCli(["transform"], env)).code).toBe(0);
    s.port.latencyMs = 200;
    const first = startCli(["load"], env);
    await first.waitForStdout(/ load: started/);
    const second = await runCli(["load"], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another etl process is already working on this staging file \(pid \d+/);
    expect((await first.done).code).toBe(0);
  });
});
