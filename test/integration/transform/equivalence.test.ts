import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import type { MappingField } from "../../../src/transform/program";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import type { ResourceMapping } from "../../../src/model/mapping";
import { createIncidentIoDataset } from "../../../src/sandbox/incidentio/dataset";
import type { IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";
import { transform } from "../../../src/transform";
import { listEntityFields } from "../../../src/transform/program";
import { rewriteSingleQuotes } from "../../../src/transform/single-quotes";
import { openTestDb } from "../../helpers/open-test-db";
import { createTestJqRunner, findTestJqPath } from "../../helpers/test-jq";
import { makeResource, readMapping, seedRawRecords } from "../../helpers/transform-fixtures";

type Outcome = { readonly kind: "value"; readonly value: unknown } | { readonly kind: "empty" } | { readonly kind: "error" };

const PER_KIND = 1000;

const scratch = mkdtempSync(join(tmpdir(), "transform-equivalence-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

function readOutcomes(path: string, count: number, expression: string): Outcome[] {
  const lines = readFileSync(path, "utf8").split("\n").filter((line) => line !== "");
  if (lines.length !== count) throw new Error(`${expression}: ${lines.length} lines for ${count} records:\n${lines.slice(0, 5).join("\n")}`);
  return lines.map((line): Outcome => {
    if (line.startsWith("jq: error")) return { kind: "error" };
    const values = JSON.parse(line) as unknown[];
    return values.length === 0 ? { kind: "empty" } : { kind: "value", value: values[0] };
  });
}

/**
 * The reference: the jq CLI evaluates each expression on each record on its own (jq runs the program
 * afresh for every input, and on an error reports it and goes on with the next input), keeping the
 * first output. stdout and stderr share one file and --unbuffered flushes every result, so each
 * record gives exactly one line, a result or an error, in record order. A shell starts the jq
 * processes, two at a time: forking this (large) test process for each would cost more than jq.
 */
function evaluateEach(jqPath: string, expressions: readonly string[], inputPath: string, count: number): Promise<Outcome[][]> {
  const batch = (files += 1);
  const filterPath = (index: number): string => join(scratch, `filter-${batch}-${index}.jq`);
  const outputPath = (index: number): string => join(scratch, `out-${batch}-${index}.txt`);
  expressions.forEach((expression, index) => writeFileSync(filterPath(index), `[first(${rewriteSingleQuotes(expression)}\n)]`));
  const run = (index: number): string => `"$0" -c --unbuffered -f '${filterPath(index)}' '${inputPath}' > '${outputPath(index)}' 2>&1`;
  const script = expressions.map((_, index) => (index % 2 === 0 ? `${run(index)} &` : `${run(index)}; wait`)).join("\n") + "\nwait";
  return new Promise<Outcome[][]>((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", script, jqPath], { stdio: ["ignore", "inherit", "inherit"] });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(expressions.map((expression, index) => readOutcomes(outputPath(index), count, expression)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function valueOf(outcome: Outcome | undefined): unknown {
  return outcome?.kind === "value" ? outcome.value : null;
}

function isTruthy(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== "object" || Object.keys(value).length > 0;
}

/** The entities and failing fields the reference gives for a resource, keyed by record id. */
async function referenceOf(jqPath: string, resource: ResourceMapping, records: readonly { id: string; payload: string }[]) {
  const inputPath = join(scratch, `in-${(files += 1)}.json`);
  writeFileSync(inputPath, records.map((record) => record.payload).join("\n"));
  const fields: MappingField[] = [{ path: "selector.query", expression: resource.selector.query }, ...listEntityFields(resource)];
  const results = await evaluateEach(jqPath, fields.map((field) => field.expression), inputPath, records.length);
  const entities = new Map<string, Record<string, unknown>>();
  const errors: string[] = [];
  records.forEach((record, index) => {
    const outcomes = results.map((column) => column[index] as Outcome);
    const selector = outcomes[0];
    if (!(selector?.kind === "value" && selector.value === true)) {
      if (!(selector?.kind === "value" && selector.value === false)) errors.push(`${record.id} selector.query`);
      return;
    }
    fields.slice(1).forEach((field, f) => {
      if (outcomes[f + 1]?.kind === "error") errors.push(`${record.id} ${field.path}`);
    });
    const entity: Record<string, unknown> = { properties: {}, relations: {} };
    fields.slice(1).forEach((field, f) => {
      const value = valueOf(outcomes[f + 1]);
      const [section, key] = field.path.includes(".") ? field.path.split(/\.(.*)/s) : [field.path, undefined];
      if (key === undefined) entity[section as string] = value;
      else (entity[section as string] as Record<string, unknown>)[key] = value;
    });
    if (isTruthy(entity["identifier"]) && isTruthy(entity["blueprint"])) entities.set(record.id, entity);
  });
  return { entities, errors: errors.sort() };
}

async function expectEquivalent(db: StagingDb, jqPath: string, resource: ResourceMapping, records: readonly { id: string; payload: string }[]) {
  expect(records.length, resource.kind).toBeGreaterThan(0);
  const reference = await referenceOf(jqPath, resource, records);
  const staged = await db.selectFrom("staged_entities").select(["record_id", "entity_json"]).where("kind", "=", resource.kind).execute();
  const actual = new Map(staged.map((row) => [row.record_id, JSON.parse(row.entity_json) as unknown]));
  expect(actual, resource.kind).toEqual(reference.entities);
  const errors = await db.selectFrom("mapping_errors").select(["record_id", "field"]).where("kind", "=", resource.kind).execute();
  expect(errors.map((e) => `${e.record_id} ${e.field}`).sort(), resource.kind).toEqual(reference.errors);
  return reference;
}

function createDataset() {
  return createIncidentIoDataset({
      seed: 11,
      scale: {
        users: PER_KIND,
        alert_sources: PER_KIND,
        schedules: PER_KIND,
        alerts: PER_KIND,
        incidents: PER_KIND,
        catalog_types: 10,
        catalog_entries: PER_KIND / 10,
        severities: PER_KIND,
        teams: PER_KIND,
        follow_ups: PER_KIND,
      },
    });
}

describe("transform equivalence with jq run record by record", () => {
  it("stages, for 1,000 sandbox records of every kind, what jq gives evaluating each expression on each record alone", async () => {
    const { db } = openTestDb();
    const jq = await createTestJqRunner();
    const jqPath = findTestJqPath();
    const { config, blueprints } = readMapping("resources/port-app-config.yml", "resources/blueprints.json");
    const dataset = createDataset();
    const recordsOf = new Map<string, { id: string; payload: string }[]>();
    for (const resource of config.resources) {
      const records = [...dataset.records(resource.name as IncidentIoKind)].slice(0, PER_KIND).map((record) =>
        resource.selector.pathParameters.length > 0 ? { ...record, __catalog_type_id: String(record["catalog_type_id"]) } : record,
      );
      await seedRawRecords(db, resource.kind, records);
      recordsOf.set(resource.kind, records.map((record) => ({ id: String(record["id"]), payload: JSON.stringify(record) })));
    }

    await transform({ db, progress: SILENT_PROGRESS, jq }, { runId: 1, resources: config.resources, blueprints, createMissingRelatedEntities: true });

    for (const resource of config.resources) await expectEquivalent(db, jqPath, resource, recordsOf.get(resource.kind) ?? []);
    // About 10,000 records through the transform and ~90 jq runs over them: seconds on an idle
    // machine, but CI shares its two cores.
  }, 180_000);

  it("agrees on selectors, several outputs, no output and errors, record by record", async () => {
    const { db } = openTestDb();
    const jq = await createTestJqRunner();
    const jqPath = findTestJqPath();
    const alerts = [...createDataset().records("alerts")].slice(0, PER_KIND);
    await seedRawRecords(db, "/v2/alerts", alerts);
    const resource = makeResource({
      kind: "/v2/alerts",
      name: "alerts",
      query: "if .status == 'firing' then true elif (.title | length) % 3 == 0 then false else .status end",
      mappings: {
        identifier: ".deduplication_key",
        blueprint: "'alert'",
        title: ".title | ascii_downcase",
        team: ".attributes[].attribute.name",
        properties: {
          label: ".attributes[].value.label // empty",
          number: ".deduplication_key | tonumber",
          nested: ".attributes[0].value.catalog_entry.name",
          sized: ".title | if length > 20 then error(\"long title\") else length end",
        },
        relations: { source: ".alert_source_id" },
      },
    });
    await transform({ db, progress: SILENT_PROGRESS, jq }, { runId: 1, resources: [resource], blueprints: [], createMissingRelatedEntities: true });
    const reference = await expectEquivalent(db, jqPath, resource, alerts.map((record) => ({ id: String(record["id"]), payload: JSON.stringify(record) })));
    // The mapping must exercise each path for the comparison to mean something.
    expect(reference.errors.some((error) => error.endsWith("selector.query"))).toBe(true);
    expect(reference.errors.some((error) => error.endsWith("properties.number"))).toBe(true);
    expect(reference.errors.some((error) => error.endsWith("properties.sized"))).toBe(true);
    expect(reference.entities.size).toBeGreaterThan(0);
    expect(reference.entities.size).toBeLessThan(alerts.length);
  });
});
