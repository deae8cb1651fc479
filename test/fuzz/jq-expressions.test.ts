import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { openDatabase } from "../../db/database";
import { upsertRawRecords } from "../../db/queries/raw-records";
import { parsePortAppConfig } from "../../src/config/port-app-config";
import { ConfigError } from "../../src/errors";
import { hashPayload } from "../../src/extract/records";
import { createJqRunner, type JqRunner } from "../../src/jq/jq-runner";
import type { Blueprint } from "../../src/model/blueprint";
import type { ResourceMapping } from "../../src/model/mapping";
import type { PaginationSettings } from "../../src/model/pagination";
import type { ProgressEvent } from "../../src/model/progress";
import { checkMappingCompiles, transform } from "../../src/transform";
import { createTestJqRunner, findTestJqPath } from "../helpers/test-jq";
import { generateExpression, RUNAWAYS, type ExpressionCategory } from "./jq-expressions";
import { createSeededRandom, type SeededRandom } from "./seeded-random";

const SEED = 20_261_128;
const LABEL = "fuzz.yml";
const KIND = "/v2/alerts";
const BATCH_SIZE = 20;
const CONCURRENT_BATCHES = 3;
// Short bounds so a runaway costs a second or two; a legitimate batch of six records takes milliseconds.
const RUN_TIMEOUT_MS = 1500;
const RUN_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const GLOBAL: PaginationSettings = {
  type: "cursor",
  pageSize: 50,
  param: "after",
  sizeParam: "page_size",
  cursorPath: "pagination_meta.after",
  hasMorePath: undefined,
  startPage: 1,
};
const RECORDS: readonly Record<string, unknown>[] = [
  { id: "r1", title: "Disk full", labels: ["a", "b"], nested: { deep: { x: 1 } }, count: 3, status: "firing" },
  { id: "r2" },
  { id: "r3", title: null, labels: null, nested: "not an object", count: "3", status: 7 },
  { id: "r4", title: "שלום 🔥 \u0000 \u202e", labels: [], nested: { deep: null }, count: -1e308 },
  { id: "r5", title: "x".repeat(10_000), labels: [[[[1]]]], nested: { deep: { x: [1, { y: 2 }] } }, count: 0.1 },
  { id: "r6", title: "items", items: [{ id: "i1" }, { id: "i2" }], attributes: [{ attribute: { name: "Priority" }, value: { label: "P1" } }] },
];
const RECORD_IDS = new Set(RECORDS.map((record) => record["id"] as string));

type Position = "property" | "title" | "selector.query" | "itemsToParse";

/** One generated expression, where the batch put it, and what became of it. */
interface FuzzField {
  readonly category: ExpressionCategory;
  readonly expression: string;
  readonly resource: number;
  readonly position: Position;
  /** The property name, for the property position. */
  readonly name: string;
  /** Set once the product named it in a ConfigError: the issue that did. */
  namedBy?: string;
}

/** The field's path as the compile check and mapping_errors name it. */
function fieldPath(field: FuzzField): string {
  return field.position === "property" ? `properties.${field.name}` : field.position;
}

/** The field's path as the mapping parser names it. */
function configPath(field: FuzzField): string {
  const at = `resources[${field.resource}]`;
  if (field.position === "property") return `${at}.port.entity.mappings.properties.${field.name}`;
  if (field.position === "title") return `${at}.port.entity.mappings.title`;
  if (field.position === "selector.query") return `${at}.selector.query`;
  return `${at}.port.itemsToParse`;
}

function blueprintOf(resource: number): string {
  return `fuzzTarget${resource}`;
}

const BLUEPRINTS: readonly Blueprint[] = [0, 1].map((resource) => ({
  identifier: blueprintOf(resource),
  title: `Fuzz target ${resource}`,
  schema: { properties: Object.fromEntries(Array.from({ length: BATCH_SIZE }, (_, i) => [`f${i}`, { type: "string" as const }])), required: [] },
  relations: {},
}));

function placeFields(category: ExpressionCategory, expressions: readonly string[], random: SeededRandom): FuzzField[] {
  const taken = new Set<string>();
  return expressions.map((expression, index) => {
    const resource = expressions.length > 1 ? index % 2 : 0;
    let position: Position = "property";
    const roll = random.nextFloat();
    const wanted: Position = roll < 0.08 ? "title" : roll < 0.12 ? "selector.query" : roll < 0.15 ? "itemsToParse" : "property";
    // The runtime-error and runaway expectations are per property; other positions change what an entity is.
    if (wanted !== "property" && !taken.has(`${resource}:${wanted}`) && category !== "runtime error" && category !== "runaway") {
      taken.add(`${resource}:${wanted}`);
      position = wanted;
    }
    return { category, expression, resource, position, name: `f${index}` };
  });
}

function buildMappingYaml(fields: readonly FuzzField[]): string {
  const resources = [0, 1]
    .filter((resource) => fields.some((field) => field.resource === resource))
    .map((resource) => {
      const own = fields.filter((field) => field.resource === resource && field.namedBy === undefined);
      const at = (position: Position) => own.find((field) => field.position === position)?.expression;
      const query = at("selector.query");
      const title = at("title");
      const itemsToParse = at("itemsToParse");
      return {
        kind: KIND,
        selector: { ...(query === undefined ? {} : { query }), data_path: ".alerts" },
        port: {
          ...(itemsToParse === undefined ? {} : { itemsToParse }),
          entity: {
            mappings: {
              identifier: ".id",
              ...(title === undefined ? {} : { title }),
              blueprint: `"${blueprintOf(resource)}"`,
              properties: Object.fromEntries(own.filter((field) => field.position === "property").map((field) => [field.name, field.expression])),
            },
          },
        },
      };
    });
  return stringify({ resources });
}

/** Marks the fields an issue names; returns false when the issue names none of them. */
function markNamed(fields: readonly FuzzField[], issue: string, locate: (field: FuzzField) => boolean): boolean {
  const named = fields.filter((field) => field.namedBy === undefined && locate(field));
  for (const field of named) field.namedBy = issue;
  return named.length > 0;
}

/**
 * The mapping parser's and the compile check's verdicts, applied until the mapping is accepted. Each
 * may refuse once: whatever it names in one go must be everything that is wrong.
 */
async function checkMapping(fields: FuzzField[], compileJq: JqRunner, context: string): Promise<readonly ResourceMapping[]> {
  let parserRefused = false;
  let compileRefused = false;
  for (let round = 0; round < 4; round += 1) {
    const parsed = parsePortAppConfig(buildMappingYaml(fields), LABEL, GLOBAL, []);
    if (parsed.config === undefined) {
      expect(parserRefused, `${context}: the parser refused again after its named fields were removed: ${parsed.issues.join(" | ")}`).toBe(false);
      parserRefused = true;
      for (const issue of parsed.issues) {
        expect(markNamed(fields, issue, (field) => issue.startsWith(`${LABEL}: ${configPath(field)}:`)), `${context}: issue names no field: ${issue}`).toBe(true);
      }
      continue;
    }
    const resources = parsed.config.resources;
    let failure: unknown;
    try {
      await checkMappingCompiles(compileJq, resources);
      return resources;
    } catch (error) {
      failure = error;
    }
    expect(failure, `${context}: the compile check threw ${String(failure)}`).toBeInstanceOf(ConfigError);
    // A resource with a broken expression is not also checked as a whole, so only that may come second.
    const wholeOnly = (failure as ConfigError).issues.every((issue) => issue.includes("its expressions do not compile together"));
    expect(compileRefused && !wholeOnly, `${context}: the compile check refused again after its named fields were removed: ${(failure as ConfigError).issues.join(" | ")}`).toBe(false);
    compileRefused = true;
    for (const issue of (failure as ConfigError).issues) {
      const byField = /^resources\[(\d+)\] \(([^)]*)\) (\S+): jq cannot compile /.exec(issue);
      const together = /^resources\[(\d+)\] \(([^)]*)\): its expressions do not compile together/.exec(issue);
      expect(byField ?? together, `${context}: an issue that names no resource: ${issue}`).not.toBeNull();
      const index = Number((byField ?? together)?.[1]);
      const resource = resources[index]?.mappings.blueprint.includes(blueprintOf(1)) ? 1 : 0;
      const named = byField
        ? markNamed(fields, issue, (field) => field.resource === resource && fieldPath(field) === byField[3])
        : markNamed(fields, issue, (field) => field.resource === resource);
      expect(named, `${context}: the issue names a field the batch did not fuzz: ${issue}`).toBe(true);
    }
  }
  return expect.fail(`${context}: the mapping was not accepted after its named fields were removed`);
}

interface TransformOutcome {
  readonly timedOut: boolean;
  readonly errors: readonly { record_id: string; field: string; message: string }[];
  readonly entities: readonly { blueprint: string; identifier: string; entity_json: string }[];
}

async function transformRecords(fields: readonly FuzzField[], resources: readonly ResourceMapping[], runJq: JqRunner, context: string): Promise<TransformOutcome> {
  const opened = openDatabase(":memory:");
  try {
    await upsertRawRecords(
      opened.db,
      RECORDS.map((record) => {
        const payload = JSON.stringify(record);
        return { kind: KIND, parent_key: "", record_id: record["id"] as string, payload, payload_hash: hashPayload(payload), run_id: 1, fetched_at: "2026-01-01T00:00:00Z" };
      }),
    );
    const events: ProgressEvent[] = [];
    try {
      await transform(
        { db: opened.db, progress: { report: (event) => events.push(event) }, jq: runJq },
        { runId: 1, resources, blueprints: BLUEPRINTS, createMissingRelatedEntities: true },
      );
    } catch (error) {
      // The one failure a transform may end in: a mapping that jq could not finish in time, reported for its kind.
      expect((error as Error).name, `${context}: transform threw ${String(error)}`).toBe("JqTimeoutError");
      expect(events.some((e) => e.type === "kind" && e.stage === "transform" && e.kind === KIND && e.state === "failed" && /did not finish within/.test(e.message ?? ""))).toBe(true);
      expect(opened.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      return { timedOut: true, errors: [], entities: [] };
    }
    expect(opened.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    const errors = await opened.db.selectFrom("mapping_errors").select(["record_id", "field", "message"]).execute();
    const entities = await opened.db.selectFrom("staged_entities").select(["blueprint", "identifier", "entity_json"]).execute();
    const known = new Set(["record", "identifier", "blueprint", ...fields.map(fieldPath)]);
    for (const error of errors) {
      expect(RECORD_IDS.has(error.record_id), `${context}: mapping error on an unknown record ${error.record_id}`).toBe(true);
      expect(known.has(error.field), `${context}: mapping error on an unknown field ${error.field}`).toBe(true);
      expect(error.message.length).toBeGreaterThan(0);
    }
    return { timedOut: false, errors, entities };
  } finally {
    await opened.close();
  }
}

/** Checks what the mapped fields did on every record; on a timeout, checks each half of the batch on its own. */
async function checkRuntime(fields: FuzzField[], compileJq: JqRunner, runJq: JqRunner, context: string): Promise<void> {
  const resources = await checkMapping(fields, compileJq, context);
  const live = fields.filter((field) => field.namedBy === undefined);
  if (live.length === 0) return;
  const outcome = await transformRecords(fields, resources, runJq, context);
  if (outcome.timedOut) {
    if (live.length === 1) return;
    const half = Math.ceil(live.length / 2);
    for (const part of [live.slice(0, half), live.slice(half)]) {
      const copies = part.map((field) => ({ ...field }));
      await checkRuntime(copies, compileJq, runJq, `${context} (half)`);
    }
    return;
  }
  for (const resource of [0, 1]) {
    const own = live.filter((field) => field.resource === resource);
    // A fuzzed selector or itemsToParse decides how many entities a record makes; nothing more to expect then.
    if (own.length === 0 || own.some((field) => field.position === "selector.query" || field.position === "itemsToParse")) continue;
    for (const id of RECORD_IDS) {
      const entity = outcome.entities.find((e) => e.blueprint === blueprintOf(resource) && e.identifier === id);
      const failed = outcome.errors.some((e) => e.record_id === id && e.field === "record");
      expect(entity !== undefined || failed, `${context}: record ${id} has neither an entity of ${blueprintOf(resource)} nor a recorded failure`).toBe(true);
      if (entity === undefined) continue;
      for (const field of own.filter((f) => f.category === "runtime error" || f.category === "runaway")) {
        const recorded = outcome.errors.some((e) => e.record_id === id && e.field === fieldPath(field));
        expect(recorded, `${context}: ${field.expression} on record ${id} left no mapping error`).toBe(true);
      }
    }
  }
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

let compileJq: JqRunner;
let runJq: JqRunner;
beforeAll(async () => {
  compileJq = await createTestJqRunner();
  runJq = await createJqRunner(findTestJqPath(), { timeoutMs: RUN_TIMEOUT_MS, maxOutputBytes: RUN_MAX_OUTPUT_BYTES });
});

/** Generates `count` expressions of `category`, runs them in batches, and returns every field for the caller's own checks. */
async function fuzzCategory(category: ExpressionCategory, count: number, batchSize: number, seed: number): Promise<FuzzField[]> {
  const random = createSeededRandom(seed);
  const batches: FuzzField[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    const expressions = Array.from({ length: Math.min(batchSize, count - start) }, () => generateExpression(category, random));
    batches.push(placeFields(category, expressions, random));
  }
  await forEachConcurrently(batches, CONCURRENT_BATCHES, async (batch) => {
    const context = `seed ${seed}, ${category}: ${JSON.stringify(batch.map((field) => field.expression.slice(0, 200)))}`;
    await checkRuntime(batch, compileJq, runJq, context);
  });
  return batches.flat();
}

describe(`jq expression fuzz (seed ${SEED})`, () => {
  it("names every token soup expression jq cannot compile, and maps or records the rest (200 inputs)", async () => {
    const fields = await fuzzCategory("token soup", 200, BATCH_SIZE, SEED);
    expect(fields).toHaveLength(200);
    expect(fields.filter((field) => field.namedBy !== undefined).length).toBeGreaterThan(80);
  });

  it("names every expression with an unbalanced bracket or quote that jq cannot compile (100 inputs)", async () => {
    const fields = await fuzzCategory("unbalanced", 100, BATCH_SIZE, SEED + 1);
    expect(fields.filter((field) => field.namedBy !== undefined).length).toBeGreaterThan(30);
  });

  it("names 1.7-only builtins and if-without-else on jq 1.6 with a hint, and maps them on newer jq (40 inputs)", async () => {
    const fields = await fuzzCategory("newer jq", 40, BATCH_SIZE, SEED + 2);
    if (!compileJq.version.startsWith("1.6")) return;
    for (const field of fields) {
      const missing = /(\w+\/\d+) is not defined/.exec(field.namedBy ?? "")?.[1];
      if (missing && ["pick/1", "abs/0", "toarray/0", "trim/0", "ltrim/0", "rtrim/0", "have_decnum/0", "have_literal_numbers/0", "debug/1", "scan/2", "significand/0"].includes(missing)) {
        expect(field.namedBy).toMatch(/needs a newer jq/);
      }
      if (/^if .* end$/.test(field.expression) && !field.expression.includes(" else ")) expect(field.namedBy).toMatch(/every if needs an else/);
    }
    expect(fields.filter((field) => field.namedBy !== undefined).length).toBeGreaterThan(20);
  });

  it("records a mapping error on every record for expressions that fail at run time (100 inputs)", async () => {
    const fields = await fuzzCategory("runtime error", 100, BATCH_SIZE, SEED + 3);
    expect(fields.filter((field) => field.namedBy !== undefined)).toEqual([]);
  });

  it("maps valid expressions without naming any of them (150 inputs)", async () => {
    const fields = await fuzzCategory("valid", 150, BATCH_SIZE, SEED + 4);
    expect(fields.filter((field) => field.namedBy !== undefined)).toEqual([]);
  });

  it("names expressions too long for one command-line argument, and compiles huge but short ones (10 inputs)", async () => {
    const fields = await fuzzCategory("huge expression", 10, 5, SEED + 5);
    for (const field of fields.filter((f) => Buffer.byteLength(f.expression) > 128 * 1024)) {
      expect(field.namedBy).toMatch(/limit for one command-line argument/);
    }
  });

  it(`stops every runaway expression within its bounds and reports it (${RUNAWAYS.length} inputs, one at a time)`, async () => {
    const random = createSeededRandom(SEED + 6);
    const batches = RUNAWAYS.map((expression) => placeFields("runaway", [expression], random));
    await forEachConcurrently(batches, CONCURRENT_BATCHES, async (batch) => {
      const started = Date.now();
      await checkRuntime(batch, compileJq, runJq, `runaway ${batch[0]?.expression}`);
      // A timeout, or the output limit on each record after halving the batch: seconds, never minutes.
      expect(Date.now() - started).toBeLessThan(20 * RUN_TIMEOUT_MS);
    });
    expect(batches.flat().filter((field) => field.namedBy !== undefined)).toEqual([]);
  });
});
