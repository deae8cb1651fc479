import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenedDatabase } from "../../../db/database";
import { parseBlueprints } from "../../../src/config/blueprints";
import { parsePortAppConfig } from "../../../src/config/port-app-config";
import { readConfig } from "../../../src/config/read-config";
import { createJqRunner, type JqRunner } from "../../../src/jq/jq-runner";
import { load } from "../../../src/load";
import type { Blueprint } from "../../../src/model/blueprint";
import type { Config } from "../../../src/model/config";
import type { PortAppConfig } from "../../../src/model/mapping";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import { runDiscover, type DiscoverReport } from "../../../src/pipeline/discover";
import { runPipeline } from "../../../src/pipeline/run";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { transform } from "../../../src/transform";

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let incidentIo: IncidentIoSandbox;
let port: PortSandbox;
let dir: string;
let config: Config;
let jq: JqRunner;
let opened: OpenedDatabase;
let report: DiscoverReport;
let blueprints: readonly Blueprint[];
let mapping: PortAppConfig;

beforeAll(async () => {
  incidentIo = await startIncidentIoSandbox({ seed: 3, scale: "demo" });
  port = await startPortSandbox();
  dir = mkdtempSync(join(tmpdir(), "etl-discover-"));
  config = readConfig(
    {
      env: {
        PATH: process.env["PATH"],
        JQ_PATH: process.env["JQ_PATH"],
        ETL_DB: join(dir, "staging.sqlite"),
        OCEAN__INTEGRATION__CONFIG__BASE_URL: incidentIo.baseUrl,
        OCEAN__INTEGRATION__SECRETS__TOKEN: incidentIo.token,
        OCEAN__PORT__BASE_URL: port.baseUrl,
        OCEAN__PORT__CLIENT_ID: port.clientId,
        OCEAN__PORT__CLIENT_SECRET: port.clientSecret,
      },
      flags: {},
      cwd: PACKAGE_ROOT,
    },
    { incidentIo: true, port: true, jq: true },
  );
  // Extracted as `etl extract` does it, so this test follows the stage's inputs as they evolve.
  const extracted = await runPipeline({ config, progress: SILENT_PROGRESS }, { command: "extract" });
  expect(extracted.extract?.kinds.every((kind) => kind.status === "complete")).toBe(true);
  jq = await createJqRunner(config.jqPath as string);
  opened = openDatabase(config.databasePath);
  report = await runDiscover(config, { blueprintsOut: join(dir, "blueprints.json"), mappingOut: join(dir, "port-app-config.yml") });
}, 60_000);

afterAll(async () => {
  await opened?.close();
  await incidentIo?.close();
  await port?.close();
  rmSync(dir, { recursive: true, force: true });
});

function proposedBlueprint(identifier: string): Blueprint {
  const blueprint = blueprints.find((b) => b.identifier === identifier);
  if (blueprint === undefined) throw new Error(`no proposed blueprint ${identifier}`);
  return blueprint;
}

// The tests run in order: the files discover wrote, then transform over them, then a load into Port.
describe("etl discover over the raw records of the Incident.io sandbox", () => {
  it("writes blueprints and a mapping that the product's own parsers accept together", () => {
    const parsedBlueprints = parseBlueprints(readFileSync(report.blueprintsPath, "utf8"), "blueprints.json");
    expect(parsedBlueprints.issues).toEqual([]);
    blueprints = parsedBlueprints.blueprints;
    const parsedMapping = parsePortAppConfig(readFileSync(report.mappingPath, "utf8"), "port-app-config.yml", config.incidentIo.pagination, blueprints);
    expect(parsedMapping.issues).toEqual([]);
    mapping = parsedMapping.config as PortAppConfig;
    expect(mapping.resources.map((resource) => [resource.kind, resource.selector])).toEqual(config.mapping.resources.map((resource) => [resource.kind, resource.selector]));
  });

  it("proposes one blueprint per kind, under the identifier the shipped mapping names, from every record", () => {
    expect(report.kinds.map((kind) => [kind.name, kind.blueprint])).toEqual(
      config.mapping.resources.map((resource) => [resource.name, resource.mappings.blueprint.replace(/"/g, "")]),
    );
    for (const kind of report.kinds) {
      expect(kind.records, kind.name).toBeGreaterThan(0);
      expect(kind.sampled, kind.name).toBe(kind.records);
      expect(kind.properties, kind.name).toBeGreaterThan(0);
    }
  });

  it("finds the relations between kinds from the ids their records hold", () => {
    const relations = report.kinds.flatMap((kind) => kind.relations.map((relation) => `${kind.name}.${relation.name} → ${relation.target}${relation.many ? "[]" : ""}`));
    expect(relations).toEqual(
      expect.arrayContaining([
        "follow_ups.incident → incidentioIncident",
        "follow_ups.assignee → incidentioUser",
        "incidents.severity → incidentioSeverity",
        "incidents.teams → incidentioTeam[]",
        "teams.members → incidentioUser[]",
        "alerts.alertSource → incidentioAlertSource",
        "catalog_entries.catalogType → incidentioCatalogType",
      ]),
    );
  });

  it("infers formats from the values and enums from repeated labels, with room for new values", () => {
    expect(proposedBlueprint("incidentioUser").schema.properties["email"]).toMatchObject({ type: "string", format: "email" });
    expect(proposedBlueprint("incidentioIncident").schema.properties["createdAt"]).toMatchObject({ type: "string", format: "date-time" });
    expect(proposedBlueprint("incidentioIncident").schema.properties["permalink"]).toMatchObject({ type: "string", format: "url" });
    expect(proposedBlueprint("incidentioFollowUp").schema.properties["status"]?.enum).toEqual(expect.arrayContaining(["outstanding", "completed", "other"]));
    expect(proposedBlueprint("incidentioSeverity").schema.properties["rank"]).toMatchObject({ type: "number" });
  });

  it("proposes no field the API documents as deprecated and no enum of a single sampled value", () => {
    expect(Object.keys(proposedBlueprint("incidentioUser").schema.properties)).not.toContain("role");
    const enums = blueprints.flatMap((blueprint) => Object.entries(blueprint.schema.properties).flatMap(([name, property]) => (property.enum ? [{ name, values: property.enum.filter((value) => value !== "other") }] : [])));
    expect(enums.filter((property) => property.values.length < 2)).toEqual([]);
  });

  it("maps every raw record through transform without a mapping error or a held-back entity", async () => {
    const summary = await transform(
      { db: opened.db, progress: SILENT_PROGRESS, jq },
      { runId: 2, resources: mapping.resources, blueprints, createMissingRelatedEntities: mapping.createMissingRelatedEntities },
    );

    for (const kind of summary.kinds) {
      expect([kind.mappingErrors, kind.heldBack, kind.skipped, kind.filtered], kind.name).toEqual([0, 0, 0, 0]);
      expect(kind.entities, kind.name).toBe(kind.records);
    }
  });

  it("creates every proposed blueprint in an empty Port sandbox and loads every entity without a refusal", async () => {
    const summary = await load(
      { db: opened.db, progress: SILENT_PROGRESS },
      {
        runId: 2,
        port: config.port,
        network: config.network,
        userAgent: "discover-test",
        integration: config.integration,
        mapping,
        resources: mapping.resources,
        blueprints,
        initializePortResources: true,
        sendRawDataExamples: false,
        allowMassDelete: false,
        reconcile: false,
        dryRun: false,
      },
    );

    const blueprintWrites = port.requests.filter((request) => request.path.startsWith("/v1/blueprints") && !request.path.includes("/entities") && request.method !== "GET");
    expect(blueprintWrites.filter((request) => request.method === "POST")).toHaveLength(blueprints.length);
    expect(blueprintWrites.filter((request) => request.status >= 300)).toEqual([]);
    for (const blueprint of blueprints) {
      expect(port.blueprint(blueprint.identifier), blueprint.identifier).toMatchObject({ schema: { properties: blueprint.schema.properties }, relations: blueprint.relations });
    }
    expect(summary.failures).toEqual([]);
    const staged = await opened.db.selectFrom("staged_entities").select(["blueprint"]).execute();
    for (const blueprint of blueprints) {
      expect(port.entities(blueprint.identifier).length, blueprint.identifier).toBe(staged.filter((row) => row.blueprint === blueprint.identifier).length);
    }
  });
});
