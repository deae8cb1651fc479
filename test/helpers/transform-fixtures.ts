import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StagingDb } from "../../db/database";
import { upsertRawRecords } from "../../db/queries/raw-records";
import { parseBlueprints } from "../../src/config/blueprints";
import { parsePortAppConfig } from "../../src/config/port-app-config";
import type { Blueprint } from "../../src/model/blueprint";
import type { EntityMappings, PortAppConfig, ResourceMapping } from "../../src/model/mapping";
import type { PaginationSettings } from "../../src/model/pagination";
import { sha256Hex } from "../../src/sha256";

/** A resource of kind `/v2/things` mapping `.id` to blueprint `thing`; override any part. */
export function makeResource(
  overrides: Partial<Omit<ResourceMapping, "mappings" | "selector">> & {
    mappings?: Partial<EntityMappings>;
    query?: string;
  } = {},
): ResourceMapping {
  const { mappings, query, ...rest } = overrides;
  return {
    index: 0,
    kind: "/v2/things",
    name: "things",
    selector: {
      query: query ?? "true",
      dataPath: undefined,
      queryParams: {},
      pathParameters: [],
      pagination: { type: "none", pageSize: 0, param: "", sizeParam: "", cursorPath: "", hasMorePath: undefined, startPage: 0 },
    },
    itemsToParse: undefined,
    itemsToParseName: "item",
    ...rest,
    mappings: {
      identifier: ".id",
      title: undefined,
      blueprint: '"thing"',
      icon: undefined,
      team: undefined,
      properties: {},
      relations: {},
      ...mappings,
    },
  };
}

/** A blueprint with the given properties and relations (none required unless stated). */
export function makeBlueprint(
  identifier: string,
  properties: Blueprint["schema"]["properties"] = {},
  relations: Blueprint["relations"] = {},
  required: readonly string[] = [],
): Blueprint {
  return { identifier, title: identifier, schema: { properties, required }, relations };
}

/** Stores records as extract would (payload serialized once, keyed by `id`), under `parentKey`. */
export async function seedRawRecords(
  db: StagingDb,
  kind: string,
  records: readonly Record<string, unknown>[],
  options: { parentKey?: string; runId?: number } = {},
): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((record, index) => {
    const payload = JSON.stringify(record);
    return {
      kind,
      parent_key: options.parentKey ?? "",
      record_id: typeof record["id"] === "string" ? record["id"] : `record-${index}`,
      payload,
      payload_hash: sha256Hex(payload),
      run_id: options.runId ?? 1,
      fetched_at: "2026-01-01T00:00:00Z",
    };
  });
  await upsertRawRecords(db, rows);
}

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// The global paging settings of Port's page (its docker command); resources override them.
const PORT_PAGE_PAGINATION: PaginationSettings = {
  type: "cursor",
  pageSize: 100,
  param: "after",
  sizeParam: "page_size",
  cursorPath: "pagination_meta.after",
  hasMorePath: "pagination_meta.after",
  startPage: 0,
};

/** Parses a mapping and a blueprints file (paths relative to the repository root), failing on any issue. */
export function readMapping(mappingPath: string, blueprintsPath: string): { config: PortAppConfig; blueprints: readonly Blueprint[] } {
  const parsedBlueprints = parseBlueprints(readFileSync(join(ROOT, blueprintsPath), "utf8"), blueprintsPath);
  if (parsedBlueprints.issues.length > 0) throw new Error(parsedBlueprints.issues.join("\n"));
  const parsed = parsePortAppConfig(readFileSync(join(ROOT, mappingPath), "utf8"), mappingPath, PORT_PAGE_PAGINATION, parsedBlueprints.blueprints);
  if (!parsed.config) throw new Error(parsed.issues.join("\n"));
  return { config: parsed.config, blueprints: parsedBlueprints.blueprints };
}

/** The records of `test/fixtures/incidentio/records/<name>.json`. */
export function readFixtureRecords(name: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(FIXTURES, "incidentio", "records", `${name}.json`), "utf8")) as Record<string, unknown>[];
}
