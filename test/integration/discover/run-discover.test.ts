import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import { readConfig } from "../../../src/config/read-config";
import { ConfigError } from "../../../src/errors";
import type { Blueprint } from "../../../src/model/blueprint";
import type { Config } from "../../../src/model/config";
import { runDiscover } from "../../../src/pipeline/discover";
import { makeTempDir } from "../../helpers/temp-dir";
import { seedRawRecords } from "../../helpers/transform-fixtures";

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The shipped configuration, reading the staging file `db`; no credentials at all. */
function configFor(db: string): Config {
  return readConfig({ env: { ETL_DB: db }, flags: {}, cwd: PACKAGE_ROOT }, { incidentIo: false, port: false, jq: false });
}

/** A staging file holding a few incidents and follow-ups, and nothing else. */
async function seedStagingFile(dir: string): Promise<string> {
  const path = join(dir, "staging.sqlite");
  const opened = openDatabase(path);
  await seedRawRecords(opened.db, "/v2/incidents", [
    { id: "I1", name: "Outage", mode: "standard" },
    { id: "I2", name: "Latency", mode: "standard" },
  ]);
  await seedRawRecords(opened.db, "/v3/follow_ups", [
    { id: "F1", title: "Fix", incident_id: "I1" },
    { id: "F2", title: "Test", incident_id: "I2" },
  ]);
  await opened.close();
  return path;
}

async function refusal(work: Promise<unknown>): Promise<readonly string[]> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues;
}

describe("runDiscover", () => {
  it("writes the proposal for the kinds --only names, relating them to the blueprints the mapping names for the others", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const config = configFor(await seedStagingFile(dir));
    const out = { blueprintsOut: join(dir, "b.json"), mappingOut: join(dir, "m.yml") };

    const report = await runDiscover(config, { ...out, only: ["follow_ups"] });

    expect(report.kinds.map((kind) => [kind.name, kind.sampled, kind.relations])).toEqual([
      ["follow_ups", 2, [{ name: "incident", field: "incident_id", target: "incidentioIncident", many: false }]],
    ]);
    const blueprints = JSON.parse(readFileSync(out.blueprintsOut, "utf8")) as Blueprint[];
    expect(blueprints.map((blueprint) => blueprint.identifier)).toEqual(["incidentioFollowUp"]);
    expect(readFileSync(out.mappingOut, "utf8")).toContain("kind: /v3/follow_ups");
  });

  it("reads at most a thousand records of a kind", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const path = await seedStagingFile(dir);
    const opened = openDatabase(path);
    await seedRawRecords(opened.db, "/v2/users", Array.from({ length: 1200 }, (_, i) => ({ id: `U${String(i).padStart(4, "0")}`, name: `User ${i}` })));
    await opened.close();

    const report = await runDiscover(configFor(path), { blueprintsOut: join(dir, "b.json"), mappingOut: join(dir, "m.yml"), only: ["users"] });

    expect(report.kinds.map((kind) => [kind.name, kind.sampled, kind.records])).toEqual([["users", 1000, 1200]]);
  });

  it("summarises kinds without raw records but proposes nothing for them", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const config = configFor(await seedStagingFile(dir));

    const report = await runDiscover(config, { blueprintsOut: join(dir, "b.json"), mappingOut: join(dir, "m.yml"), only: ["incidents", "users"] });

    expect(report.kinds.map((kind) => [kind.name, kind.blueprint, kind.records])).toEqual([
      ["users", undefined, 0],
      ["incidents", "incidentioIncident", 2],
    ]);
  });

  it("refuses to overwrite an existing file, and writes neither", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const config = configFor(await seedStagingFile(dir));
    writeFileSync(join(dir, "m.yml"), "mine");

    const issues = await refusal(runDiscover(config, { blueprintsOut: join(dir, "b.json"), mappingOut: join(dir, "m.yml") }));

    expect(issues).toEqual([`--mapping-out: ${join(dir, "m.yml")} exists; discover never overwrites a file, name a new one`]);
    expect([existsSync(join(dir, "b.json")), readFileSync(join(dir, "m.yml"), "utf8")]).toEqual([false, "mine"]);
  });

  it("requires both output files, and two different ones", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const config = configFor(await seedStagingFile(dir));

    expect(await refusal(runDiscover(config, { blueprintsOut: undefined, mappingOut: undefined }))).toEqual([
      "--blueprints-out: required: the file to write the proposed blueprints (JSON) to",
      "--mapping-out: required: the file to write the proposed mapping (port-app-config.yml) to",
    ]);
    expect(await refusal(runDiscover(config, { blueprintsOut: join(dir, "x"), mappingOut: join(dir, "x") }))).toEqual([
      "--blueprints-out and --mapping-out name the same file; name two files",
    ]);
  });

  it("refuses a staging file that does not exist, without creating it", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const config = configFor(join(dir, "missing.sqlite"));

    const issues = await refusal(runDiscover(config, { blueprintsOut: join(dir, "b.json"), mappingOut: join(dir, "m.yml") }));

    expect(issues).toEqual([`--db: ${join(dir, "missing.sqlite")} does not exist; discover learns from raw records: run pnpm etl extract first`]);
    expect(existsSync(join(dir, "missing.sqlite"))).toBe(false);
  });

  it("refuses kinds without raw records, and names --only kinds the mapping does not have", async () => {
    const dir = makeTempDir("etl-run-discover-");
    const config = configFor(await seedStagingFile(dir));
    const out = { blueprintsOut: join(dir, "b.json"), mappingOut: join(dir, "m.yml") };

    expect(await refusal(runDiscover(config, { ...out, only: ["users"] }))).toEqual([`--db: ${config.databasePath} holds no raw records of users; run pnpm etl extract first`]);
    expect((await refusal(runDiscover(config, { ...out, only: ["nope"] })))[0]).toMatch(/^--only: nope match no resource of the mapping \(known: users, /);
    expect(existsSync(out.blueprintsOut)).toBe(false);
  });
});
