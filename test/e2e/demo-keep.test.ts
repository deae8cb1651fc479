import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli, type CliProcess } from "../helpers/cli-process";
import { makeTempDir } from "../helpers/temp-dir";

/** The variables the demo's export lines set, read back through a real shell. */
function readExports(stdout: string): Record<string, string> {
  const lines = stdout.split("\n").filter((line) => line.startsWith("export "));
  const printed = execFileSync("/bin/sh", ["-c", `${lines.join("\n")}\nenv`], { encoding: "utf8", env: {}, timeout: 5_000 });
  return Object.fromEntries(
    printed
      .split("\n")
      .map((line) => /^((?:OCEAN__|ETL_)\w+)=(.*)$/.exec(line))
      .flatMap((match) => (match ? [[match[1], match[2]]] : [])),
  ) as Record<string, string>;
}

async function stop(demo: CliProcess): Promise<number | null> {
  demo.child.kill("SIGTERM");
  return (await demo.done).code;
}

describe("etl demo --keep", () => {
  it("keeps both sandboxes up and prints the exports that run each stage by hand, then stops on SIGTERM with exit 0", async () => {
    const dir = makeTempDir("etl-demo-keep-");
    const demo = startCli(["demo", "--keep", "--db", join(dir, "demo.sqlite")], { CI: "true" }, 280_000);
    try {
      await demo.waitForStdout(/^export ETL_DB=/m, 1, 240_000);
      // Before keeping the sandboxes, the demo showed one status change reaching Port by webhook, with no run.
      expect(demo.stdout()).toMatch(/^Live: INC-\d+ status → \w+ reached Port \d+\.\d s after Incident\.io sent it \(webhook, no run\)$/m);
      const exported = readExports(demo.stdout());
      expect(exported["ETL_DB"]).toBe(join(dir, "demo.sqlite"));
      expect(exported["OCEAN__INTEGRATION__CONFIG__BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(exported["OCEAN__PORT__BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(exported["OCEAN__PORT__CLIENT_SECRET"]).toBeTruthy();
      expect(exported["OCEAN__INTEGRATION__SECRETS__TOKEN"]).toBeTruthy();

      // A new staging file, as a user trying the stages from scratch would name.
      const env = { ...exported, ETL_DB: join(dir, "by-hand.sqlite"), CI: "true" };
      const extract = await runCli(["extract"], env, 120_000);
      expect(extract.code, extract.stderr).toBe(0);

      const early = await runCli(["plan"], env, 60_000);
      expect(early.code).toBe(1);
      expect(early.stderr).toMatch(/nothing has been transformed since the last extract at \d{2}:\d{2} UTC \(.+\); run transform first/);
      const earlyLoad = await runCli(["load"], env, 60_000);
      expect(earlyLoad.code).toBe(1);
      expect(earlyLoad.stderr).toContain("run transform first");

      const transform = await runCli(["transform"], env, 120_000);
      expect(transform.code, transform.stderr).toBe(0);

      const plan = await runCli(["plan", "--json"], env, 60_000);
      expect(plan.code, plan.stderr).toBe(0);
      const preview = (JSON.parse(plan.stdout) as { load: { plan: { changes: unknown[]; totalChanges: number } } }).load.plan;
      expect(preview.totalChanges).toBeGreaterThan(20);
      expect(preview.changes).toHaveLength(preview.totalChanges);

      const cut = await runCli(["plan", "--limit", "3"], env, 60_000);
      expect(cut.stdout).toContain(`${preview.totalChanges} changes, the first 3 (--all or --limit N for more):`);

      const load = await runCli(["load"], env, 120_000);
      expect(load.code, load.stderr).toBe(0);
      const after = await runCli(["plan", "--json"], env, 60_000);
      expect((JSON.parse(after.stdout) as { load: { plan: { totalChanges: number } } }).load.plan.totalChanges).toBe(0);
    } finally {
      expect(await stop(demo)).toBe(0);
    }
  }, 600_000);
});
