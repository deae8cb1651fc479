import type { StagingDb } from "../../db/database";
import { finishExtractStatus, startExtractStatus } from "../../db/queries/extract-status";
import { upsertRawRecords } from "../../db/queries/raw-records";
import { insertStagedEntities } from "../../db/queries/staged-entities";
import type { LoadInput } from "../../src/load";
import type { Blueprint } from "../../src/model/blueprint";
import type { NetworkSettings } from "../../src/model/config";
import type { PortAppConfig, ResourceMapping } from "../../src/model/mapping";
import { Secret } from "../../src/model/secret";
import type { PortBlueprint, PortSandbox } from "../../src/sandbox/port/server";
import { hashCanonicalJson, toCanonicalJson } from "../../src/canonical-json";
import { sha256Hex } from "../../src/sha256";
import { CURSOR_PAGINATION } from "./pagination";

/** Three blueprints with relations two levels deep: follow-ups → incidents → users. */
export const TEST_BLUEPRINTS: readonly Blueprint[] = [
  {
    identifier: "testUser",
    title: "User",
    schema: { properties: { email: { type: "string", format: "email" }, role: { type: "string", enum: ["admin", "viewer"] } }, required: [] },
    relations: {},
  },
  {
    identifier: "testIncident",
    title: "Incident",
    schema: { properties: { status: { type: "string" }, createdAt: { type: "string", format: "date-time" } }, required: [] },
    relations: { commander: { target: "testUser", required: false, many: false } },
    mirrorProperties: { commanderEmail: { path: "commander.email" } },
  },
  {
    identifier: "testFollowUp",
    title: "Follow-up",
    schema: { properties: { done: { type: "boolean" } }, required: [] },
    relations: { incident: { target: "testIncident", required: false, many: false }, owners: { target: "testUser", required: false, many: true } },
  },
];

/** The same definitions as the Port sandbox types them (it keeps its own types, on purpose), to seed it. */
export function toSandboxBlueprints(blueprints: readonly Blueprint[]): PortBlueprint[] {
  return JSON.parse(JSON.stringify(blueprints)) as PortBlueprint[];
}

export const KIND_OF: Readonly<Record<string, string>> = {
  testUser: "/v2/users",
  testIncident: "/v2/incidents",
  testFollowUp: "/v2/follow_ups",
};

/** A resource mapping whose blueprint is the literal `blueprint` (its other expressions are not evaluated by load). */
export function makeResource(kind: string, blueprint: string, index = 0): ResourceMapping {
  const pagination = CURSOR_PAGINATION;
  return {
    index,
    kind,
    name: kind.split("/").at(-1) ?? kind,
    selector: { query: "true", dataPath: `.${kind.split("/").at(-1)}`, queryParams: {}, pathParameters: [], pagination },
    itemsToParse: undefined,
    itemsToParseName: "item",
    mappings: { identifier: ".id", title: ".name", blueprint: `"${blueprint}"`, icon: undefined, team: undefined, properties: {}, relations: {} },
  };
}

export function makeMapping(over: Partial<PortAppConfig> = {}): PortAppConfig {
  return {
    deleteDependentEntities: true,
    createMissingRelatedEntities: true,
    entityDeletionThreshold: 0.9,
    enableMergeEntity: true,
    resources: Object.entries(KIND_OF).map(([blueprint, kind], index) => makeResource(kind, blueprint, index)),
    ...over,
  };
}

const TEST_NETWORK: NetworkSettings = {
  caFile: undefined,
  extraCaFile: undefined,
  verifyTls: true,
  httpsProxy: undefined,
  httpProxy: undefined,
  noProxy: undefined,
  timeoutMs: 10_000,
};

/** A load of every test resource into `sandbox`, with initialization and raw examples on. */
export function makeLoadInput(sandbox: Pick<PortSandbox, "baseUrl" | "clientId" | "clientSecret">, over: Partial<LoadInput> = {}): LoadInput {
  const mapping = over.mapping ?? makeMapping();
  return {
    runId: 1,
    port: { baseUrl: sandbox.baseUrl, clientId: sandbox.clientId, clientSecret: new Secret(sandbox.clientSecret), maxAttempts: 3, pageBound: { minPages: 1000, factor: 10, firstReadPages: 100_000 } },
    network: TEST_NETWORK,
    userAgent: "incidentio-port-etl/test/test-integration",
    integration: { identifier: "test-integration", type: "incident-io" },
    mapping,
    resources: mapping.resources,
    blueprints: TEST_BLUEPRINTS,
    initializePortResources: true,
    sendRawDataExamples: false,
    allowMassDelete: false,
    reconcile: false,
    dryRun: false,
    ...over,
  };
}

/** An entity as the transform stages it (absent keys are not sent; null ones are). */
export interface TestEntity {
  readonly blueprint: string;
  readonly identifier: string;
  readonly title?: string | null;
  readonly properties?: Record<string, unknown>;
  readonly relations?: Record<string, unknown>;
  readonly heldBackReason?: string;
}

export function user(identifier: string, over: Partial<TestEntity> = {}): TestEntity {
  return { blueprint: "testUser", identifier, title: `User ${identifier}`, properties: { email: `${identifier}@example.com`, role: "viewer" }, relations: {}, ...over };
}

export function incident(identifier: string, commander: string | null, over: Partial<TestEntity> = {}): TestEntity {
  return {
    blueprint: "testIncident",
    identifier,
    title: `Incident ${identifier}`,
    properties: { status: "triage", createdAt: "2024-05-01T10:00:00Z" },
    relations: { commander },
    ...over,
  };
}

export function followUp(identifier: string, incidentId: string, owners: string[] = [], over: Partial<TestEntity> = {}): TestEntity {
  return { blueprint: "testFollowUp", identifier, title: `Follow-up ${identifier}`, properties: { done: false }, relations: { incident: incidentId, owners }, ...over };
}

function toRow(entity: TestEntity) {
  const { heldBackReason, ...shape } = entity;
  const entityJson = toCanonicalJson({ properties: {}, relations: {}, ...shape });
  return {
    blueprint: entity.blueprint,
    identifier: entity.identifier,
    kind: KIND_OF[entity.blueprint] ?? "/unknown",
    record_id: entity.identifier,
    entity_json: entityJson,
    hash: hashCanonicalJson(entityJson),
    held_back_reason: heldBackReason ?? null,
  };
}

/** Replaces every staged entity with `entities`, as a transform of all kinds would. */
export async function stageEntities(db: StagingDb, entities: readonly TestEntity[]): Promise<void> {
  await db.deleteFrom("staged_entities").execute();
  for (let start = 0; start < entities.length; start += 500) await insertStagedEntities(db, entities.slice(start, start + 500).map(toRow));
}

/** Records an extract of run `runId` with each kind complete unless listed in `failed`. */
export async function recordExtract(db: StagingDb, runId: number, failed: readonly string[] = []): Promise<void> {
  const at = new Date().toISOString();
  for (const kind of Object.values(KIND_OF)) {
    await startExtractStatus(db, { runId, kind, mode: "full", startedAt: at });
    const counters = { pages: 1, records: 1, requests: 1, rejected: 0 };
    const outcome = failed.includes(kind)
      ? ({ status: "failed", endpoint: kind, cursor: null, httpStatus: 500, error: "500 from the source" } as const)
      : ({ status: "complete" } as const);
    await finishExtractStatus(db, runId, kind, { counters, finishedAt: at, outcome });
  }
}

/** Stores raw records of a kind, as the extract does. */
export async function storeRawRecords(db: StagingDb, kind: string, records: readonly Record<string, unknown>[], runId = 1): Promise<void> {
  await upsertRawRecords(
    db,
    records.map((record) => ({
      kind,
      parent_key: "",
      record_id: String(record["id"]),
      payload: JSON.stringify(record),
      payload_hash: sha256Hex(JSON.stringify(record)),
      run_id: runId,
      fetched_at: new Date().toISOString(),
    })),
  );
}

/** What Port should hold for staged entities: null titles absent, as Port stores them. */
export function expectedInPort(entities: readonly TestEntity[]): { blueprint: string; identifier: string; title?: string; properties: unknown; relations: unknown }[] {
  return entities
    .filter((entity) => entity.heldBackReason === undefined)
    .map((entity) => ({
      blueprint: entity.blueprint,
      identifier: entity.identifier,
      ...(entity.title === null || entity.title === undefined ? {} : { title: entity.title }),
      properties: entity.properties ?? {},
      relations: entity.relations ?? {},
    }))
    .sort(byKey);
}

/** What the sandbox holds under the test blueprints, in the same shape. */
export function readPortState(sandbox: PortSandbox): { blueprint: string; identifier: string; title?: string; properties: unknown; relations: unknown }[] {
  return TEST_BLUEPRINTS.flatMap((blueprint) =>
    sandbox.entities(blueprint.identifier).map((entity) => ({
      blueprint: entity.blueprint,
      identifier: entity.identifier,
      ...(entity.title === undefined ? {} : { title: entity.title }),
      properties: entity.properties,
      relations: entity.relations,
    })),
  ).sort(byKey);
}

function byKey(left: { blueprint: string; identifier: string }, right: { blueprint: string; identifier: string }): number {
  const a = `${left.blueprint}\u0000${left.identifier}`;
  const b = `${right.blueprint}\u0000${right.identifier}`;
  return a < b ? -1 : a > b ? 1 : 0;
}
