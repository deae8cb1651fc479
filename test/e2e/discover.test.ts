import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/read-config";
import type { Blueprint } from "../../src/model/blueprint";
import { SILENT_PROGRESS } from "../../src/model/progress";
import { startDemoSandboxes, type DemoSandboxes } from "../../src/pipeline/demo";
import { runPipeline } from "../../src/pipeline/run";
import { runCli } from "../helpers/cli-process";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let sandboxes: DemoSandboxes | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sandboxes?.close();
  sandboxes = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Both sandboxes, and a staging file that an extract (in this process, as `etl extract` runs it) filled from the Incident.io one. */
async function setUpExtracted(): Promise<{ sandboxes: DemoSandboxes; dir: string; db: string }> {
  sandboxes = await startDemoSandboxes();
  dir = mkdtempSync(join(tmpdir(), "etl-e2e-discover-"));
  const db = join(dir, "etl.sqlite");
  const config = readConfig({ env: { ...sandboxes.env, PATH: process.env["PATH"], ETL_DB: db }, flags: {}, cwd: ROOT }, { incidentIo: true, port: false, jq: true });
  const extracted = await runPipeline({ config, progress: SILENT_PROGRESS }, { command: "extract" });
  expect(extracted.status).toBe("succeeded");
  return { sandboxes, dir, db };
}

describe("etl discover as a user runs it", () => {
  it("writes the proposed files with no credentials at all, and etl run then syncs with them", async () => {
    const { sandboxes: s, dir: out, db } = await setUpExtracted();
    const blueprintsOut = join(out, "blueprints.json");
    const mappingOut = join(out, "port-app-config.yml");

    const discovered = await runCli(["discover", "--blueprints-out", blueprintsOut, "--mapping-out", mappingOut], { ETL_DB: db, CI: "true" });

    expect(discovered.code, discovered.stderr).toBe(0);
    expect(discovered.stdout).toMatch(/^ {2}kind +blueprint +sampled +properties +relations$/m);
    expect(discovered.stdout).toMatch(/^ {2}follow_ups +incidentioFollowUp +\d+ of \d+ +\d+ +incident → incidentioIncident/m);
    expect(discovered.stdout).toContain(`Wrote the blueprints to ${blueprintsOut}`);
    const blueprints = JSON.parse(readFileSync(blueprintsOut, "utf8")) as Blueprint[];
    expect(blueprints).toHaveLength(10);
    expect(readFileSync(mappingOut, "utf8")).toMatch(/^resources:$/m);

    const run = await runCli(["run", "--blueprints", blueprintsOut, "--mapping", mappingOut], { ...s.env, ETL_DB: db, CI: "true" });

    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const blueprint of blueprints) {
      expect(s.port.blueprint(blueprint.identifier), blueprint.identifier).toMatchObject({ schema: { properties: blueprint.schema.properties } });
      expect(s.port.entities(blueprint.identifier).length, blueprint.identifier).toBeGreaterThan(0);
    }
  }, 120_000);

  it("refuses with exit code 2 to overwrite a file that exists, and leaves it alone", async () => {
    dir = mkdtempSync(join(tmpdir(), "etl-e2e-discover-"));
    const blueprintsOut = join(dir, "blueprints.json");
    const mappingOut = join(dir, "port-app-config.yml");
    writeFileSync(mappingOut, "# my own mapping\n");

    const result = await runCli(["discover", "--blueprints-out", blueprintsOut, "--mapping-out", mappingOut], { ETL_DB: join(dir, "etl.sqlite"), CI: "true" });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--mapping-out: ${mappingOut} exists; discover never overwrites a file, name a new one`);
    expect([existsSync(blueprintsOut), readFileSync(mappingOut, "utf8")]).toEqual([false, "# my own mapping\n"]);
  });
});
