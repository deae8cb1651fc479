import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type OpenedDatabase } from "../../../db/database";
import { createRun } from "../../../db/queries/runs";
import { readConfig } from "../../../src/config/read-config";
import { extract } from "../../../src/extract";
import { createJqRunner, type JqRunner } from "../../../src/jq/jq-runner";
import { load } from "../../../src/load";
import type { Config } from "../../../src/model/config";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import type { LoadSummary } from "../../../src/model/summary";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { transform } from "../../../src/transform";

type Json = Record<string, unknown>;

/** The fields of a Port entity these tests compare. */
interface Expected {
  readonly identifier: string;
  readonly title: unknown;
  readonly properties: Json;
  readonly relations: Json;
}

let incidentIo: IncidentIoSandbox;
let port: PortSandbox;
let opened: OpenedDatabase;
let config: Config;
let jq: JqRunner;

/** One `etl run`: extract, transform and load with the shipped mapping and blueprints. */
async function runPipeline(): Promise<LoadSummary> {
  const runId = await createRun(opened.db, "run", {}, new Date().toISOString());
  const deps = { db: opened.db, progress: SILENT_PROGRESS, jq };
  const resources = config.mapping.resources;
  // Every run reads in full: these tests pin the writes a full sync makes, deletions included.
  const extracted = await extract(deps, {
    runId,
    settings: config.incidentIo,
    network: config.network,
    userAgent: "e2e",
    resources,
    incremental: config.incremental,
    fullRefresh: true,
  });
  expect(extracted.kinds.every((kind) => kind.status === "complete")).toBe(true);
  await transform(deps, { runId, resources, blueprints: config.blueprints, createMissingRelatedEntities: config.mapping.createMissingRelatedEntities });
  return load(
    { db: opened.db, progress: SILENT_PROGRESS },
    {
      runId,
      port: config.port,
      network: config.network,
      userAgent: "incidentio-port-etl/e2e",
      integration: config.integration,
      mapping: config.mapping,
      resources,
      blueprints: config.blueprints,
      initializePortResources: true,
      sendRawDataExamples: true,
      allowMassDelete: false,
      reconcile: false,
      dryRun: false,
    },
  );
}

// What Port should hold, computed from the Incident.io sandbox's records without the product's code.
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const obj = (value: unknown): Json => (value !== null && typeof value === "object" ? (value as Json) : {});

function expectedUsers(): Expected[] {
  return [...incidentIo.dataset.records("users", { includeInactive: true })].map((user) => ({
    identifier: String(user["id"]),
    title: user["name"],
    properties: { email: user["email"] ?? null, isActive: user["is_active"] ?? null },
    relations: {},
  }));
}

function expectedSeverities(): Expected[] {
  return [...incidentIo.dataset.records("severities")].map((severity) => ({
    identifier: String(severity["id"]),
    title: severity["name"],
    properties: { rank: severity["rank"] ?? null },
    relations: {},
  }));
}

function expectedIncidents(): Expected[] {
  return [...incidentIo.dataset.records("incidents")].map((incident) => {
    const assignments = Array.isArray(incident["incident_role_assignments"]) ? (incident["incident_role_assignments"] as Json[]) : [];
    const lead = assignments.find((assignment) => obj(assignment["role"])["role_type"] === "lead" && str(obj(assignment["assignee"])["id"]) !== null);
    return {
      identifier: String(incident["id"]),
      title: incident["name"],
      properties: { reference: incident["reference"] ?? null },
      relations: { commander: lead ? str(obj(lead["assignee"])["id"]) : null, severityLevel: str(obj(incident["severity"])["id"]) },
    };
  });
}

function expectedFollowUps(): Expected[] {
  return [...incidentIo.dataset.records("follow_ups")].map((followUp) => ({
    identifier: String(followUp["id"]),
    title: followUp["title"],
    properties: { description: followUp["description"] ?? null },
    relations: { incident: str(followUp["incident_id"]), assignee: str(obj(followUp["assignee"])["id"]) },
  }));
}

/** Port's entities of a blueprint cut down to the fields `expected` names, sorted by identifier. */
function heldByPort(blueprint: string, expected: readonly Expected[]): Expected[] {
  const sample = expected[0];
  const propertyNames = Object.keys(sample?.properties ?? {});
  const relationNames = Object.keys(sample?.relations ?? {});
  return port
    .entities(blueprint)
    .map((entity) => ({
      identifier: entity.identifier,
      title: entity.title,
      properties: Object.fromEntries(propertyNames.map((name) => [name, entity.properties[name] ?? null])),
      relations: Object.fromEntries(relationNames.map((name) => [name, entity.relations[name] ?? null])),
    }))
    .sort((a, b) => (a.identifier < b.identifier ? -1 : 1));
}

const sorted = (entities: Expected[]): Expected[] => [...entities].sort((a, b) => (a.identifier < b.identifier ? -1 : 1));

function expectPortExact(): void {
  const kinds: [string, Expected[]][] = [
    ["incidentioUser", expectedUsers()],
    ["incidentioSeverity", expectedSeverities()],
    ["incidentioIncident", expectedIncidents()],
    ["incidentioFollowUp", expectedFollowUps()],
  ];
  for (const [blueprint, expected] of kinds) {
    expect(expected.length, blueprint).toBeGreaterThan(0);
    expect(heldByPort(blueprint, expected), blueprint).toEqual(sorted(expected));
  }
}

beforeAll(async () => {
  incidentIo = await startIncidentIoSandbox({ seed: 3, scale: "demo" });
  port = await startPortSandbox();
  config = readConfig(
    {
      env: {
        PATH: process.env["PATH"],
        OCEAN__INTEGRATION__CONFIG__BASE_URL: incidentIo.baseUrl,
        OCEAN__INTEGRATION__SECRETS__TOKEN: incidentIo.token,
        OCEAN__PORT__BASE_URL: port.baseUrl,
        OCEAN__PORT__CLIENT_ID: port.clientId,
        OCEAN__PORT__CLIENT_SECRET: port.clientSecret,
      },
      flags: {},
      cwd: mkdtempSync(join(tmpdir(), "etl-e2e-")),
    },
    { incidentIo: true, port: true, jq: true },
  );
  jq = await createJqRunner(config.jqPath ?? "jq");
  opened = openDatabase(":memory:");
}, 60_000);

afterAll(async () => {
  await opened?.close();
  await incidentIo?.close();
  await port?.close();
});

// The three tests run in order on one staging database and one pair of sandboxes.
describe("extract → transform → load against both sandboxes, with the shipped mapping", () => {
  it("leaves Port holding exactly the entities the Incident.io records call for, relations included", async () => {
    const summary = await runPipeline();

    expect(summary.failures).toEqual([]);
    expectPortExact();
    expect(port.writes.filter((write) => write.op === "placeholder")).toEqual([]);
    expect(summary.blueprints.map((blueprint) => blueprint.blueprint)).toEqual(expect.arrayContaining(config.blueprints.map((blueprint) => blueprint.identifier)));
  }, 60_000);

  it("writes no entity on a second run with no source change", async () => {
    const writes = port.writes.length;

    const summary = await runPipeline();

    expect(port.writes.length).toBe(writes);
    expect(summary.requests.entityWrites).toBe(0);
    // Token, blueprint list, integration, and one raw-examples post per kind.
    expect(summary.requests.other).toBe(3 + config.mapping.resources.length);
  }, 60_000);

  it("writes exactly what changed in the source across five kinds", async () => {
    const { dataset } = incidentIo;
    const user = dataset.idAt("users", 2);
    // Catalog entries show their owner's name next to the owner's ID: renaming the user changes them too.
    const owned = [...dataset.records("catalog_entries")].filter((entry) => JSON.stringify(entry["attribute_values"]).includes(`"${user}"`)).map((entry) => String(entry["id"]));
    const severity = dataset.idAt("severities", 0);
    const removedFollowUp = dataset.idAt("follow_ups", 1);
    const changedFollowUp = dataset.idAt("follow_ups", 4);
    dataset.update("users", user, { name: "Renamed In Incident.io" });
    dataset.update("severities", severity, { description: "Changed description" });
    dataset.remove("follow_ups", removedFollowUp);
    dataset.update("follow_ups", changedFollowUp, { title: "Retitled follow-up" });
    const added = dataset.add("incidents", { name: "A brand new incident" });
    const writes = port.writes.length;

    const summary = await runPipeline();

    expect(summary.failures).toEqual([]);
    expect(
      port.writes
        .slice(writes)
        .map((write) => `${write.op} ${write.blueprint}/${write.identifier}`)
        .sort(),
    ).toEqual(
      [
        `upsert incidentioUser/${user}`,
        `upsert incidentioSeverity/${severity}`,
        `delete incidentioFollowUp/${removedFollowUp}`,
        `upsert incidentioFollowUp/${changedFollowUp}`,
        `upsert incidentioIncident/${String(added["id"])}`,
        ...owned.map((id) => `upsert incidentioCatalogEntry/${id}`),
      ].sort(),
    );
    expectPortExact();
  }, 60_000);
});
