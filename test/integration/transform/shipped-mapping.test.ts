import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenedDatabase } from "../../../db/database";
import { createRun } from "../../../db/queries/runs";
import { readConfig } from "../../../src/config/read-config";
import { extract } from "../../../src/extract";
import { createJqRunner } from "../../../src/jq/jq-runner";
import type { Config } from "../../../src/model/config";
import type { ExtractSummary, TransformSummary } from "../../../src/model/summary";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import { transform } from "../../../src/transform";

interface StagedEntity {
  readonly identifier: string;
  readonly title: string | null;
  readonly blueprint: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, unknown>>;
}

let sandbox: IncidentIoSandbox;
let opened: OpenedDatabase;
let config: Config;
let extracted: ExtractSummary;
let transformed: TransformSummary;
const entities = new Map<string, StagedEntity[]>();

function entitiesOf(blueprint: string): StagedEntity[] {
  return entities.get(blueprint) ?? [];
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

function relationTargets(value: unknown): string[] {
  if (isEmpty(value)) return [];
  return (Array.isArray(value) ? value : [value]) as string[];
}

// One extract of the demo dataset over real HTTP, then one transform with the shipped files; the
// tests below read what it staged.
beforeAll(async () => {
  sandbox = await startIncidentIoSandbox({ seed: 1, scale: "demo" });
  config = readConfig(
    {
      env: { PATH: process.env["PATH"], OCEAN__INTEGRATION__CONFIG__BASE_URL: sandbox.baseUrl, OCEAN__INTEGRATION__SECRETS__TOKEN: sandbox.token },
      flags: {},
      cwd: mkdtempSync(join(tmpdir(), "etl-shipped-mapping-")),
    },
    { incidentIo: true, port: false, jq: true },
  );
  opened = openDatabase(":memory:");
  const jq = await createJqRunner(config.jqPath ?? "jq");
  const runId = await createRun(opened.db, "run", {}, new Date().toISOString());
  const deps = { db: opened.db, progress: SILENT_PROGRESS, jq };
  const resources = config.mapping.resources;
  extracted = await extract(deps, { runId, settings: config.incidentIo, network: config.network, userAgent: "shipped-mapping-test", resources });
  transformed = await transform(deps, {
    runId,
    resources,
    blueprints: config.blueprints,
    createMissingRelatedEntities: config.mapping.createMissingRelatedEntities,
  });
  for (const row of await opened.db.selectFrom("staged_entities").select("entity_json").execute()) {
    const entity = JSON.parse(row.entity_json) as StagedEntity;
    entities.set(entity.blueprint, [...entitiesOf(entity.blueprint), entity]);
  }
}, 60_000);

afterAll(async () => {
  opened?.close();
  await sandbox?.close();
});

describe("the shipped mapping over sandbox records of every kind", () => {
  it("extracts every kind completely with the shipped routes and paging", () => {
    expect(extracted.kinds.map((kind) => [kind.name, kind.status])).toEqual(config.mapping.resources.map((resource) => [resource.name, "complete"]));
    for (const kind of extracted.kinds) expect(kind.records, kind.name).toBeGreaterThan(0);
  });

  it("stages an entity for every record, holding none back and recording no mapping error or dangling relation", () => {
    const perKind = transformed.kinds.map((kind) => ({
      name: kind.name,
      everyRecordStaged: kind.entities === kind.records,
      skipped: kind.skipped,
      filtered: kind.filtered,
      heldBack: kind.heldBack,
      mappingErrors: kind.mappingErrors,
      danglingRelations: kind.danglingRelations,
    }));
    expect(perKind).toEqual(
      config.mapping.resources.map((resource) => ({
        name: resource.name,
        everyRecordStaged: true,
        skipped: 0,
        filtered: 0,
        heldBack: 0,
        mappingErrors: 0,
        danglingRelations: 0,
      })),
    );
  });

  it("fills every mapped property and relation for at least one record", () => {
    const emptyEverywhere = config.mapping.resources.flatMap((resource) => {
      const blueprint = JSON.parse(resource.mappings.blueprint) as string;
      const staged = entitiesOf(blueprint);
      return [
        ...Object.keys(resource.mappings.properties)
          .filter((name) => staged.every((entity) => isEmpty(entity.properties[name])))
          .map((name) => `${blueprint}.properties.${name}`),
        ...Object.keys(resource.mappings.relations)
          .filter((name) => staged.every((entity) => isEmpty(entity.relations[name])))
          .map((name) => `${blueprint}.relations.${name}`),
      ];
    });
    expect(emptyEverywhere).toEqual([]);
  });

  it("gives most incidents a commander, and every commander is a staged user", () => {
    const users = new Set(entitiesOf("incidentioUser").map((user) => user.identifier));
    const incidents = entitiesOf("incidentioIncident");
    const commanders = incidents.map((incident) => incident.relations["commander"]).filter((commander) => !isEmpty(commander));
    expect(commanders.length).toBeGreaterThan(incidents.length / 2);
    expect(commanders.filter((commander) => !users.has(commander as string))).toEqual([]);
  });

  it.each(["incidentioIncident", "incidentioAlert", "incidentioFollowUp"])("keeps every %s status within the blueprint's enum", (blueprint) => {
    const allowed = config.blueprints.find((b) => b.identifier === blueprint)?.schema.properties["status"]?.enum ?? [];
    const values = new Set(entitiesOf(blueprint).map((entity) => entity.properties["status"]));
    expect([...values].filter((value) => !allowed.includes(value))).toEqual([]);
    expect(values.size).toBeGreaterThan(1);
  });

  it("folds an alert status newer than the published enum into other instead of holding the alert back", () => {
    const unknown = [...sandbox.dataset.records("alerts")].filter((alert) => alert["status"] !== "firing" && alert["status"] !== "resolved");
    expect(unknown.length).toBeGreaterThan(0);
    const statusById = new Map(entitiesOf("incidentioAlert").map((alert) => [alert.identifier, alert.properties["status"]]));
    expect(new Set(unknown.map((alert) => statusById.get(String(alert["id"]))))).toEqual(new Set(["other"]));
  });

  it("names each incident's severity as the severity entity its severityLevel relation points at", () => {
    const severityTitles = new Map(entitiesOf("incidentioSeverity").map((severity) => [severity.identifier, severity.title]));
    const mismatches = entitiesOf("incidentioIncident").filter((incident) => {
      const [level] = relationTargets(incident.relations["severityLevel"]);
      return (level === undefined ? null : severityTitles.get(level)) !== (incident.properties["severity"] ?? null);
    });
    expect(mismatches).toEqual([]);
  });
});
