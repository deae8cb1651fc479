import type { StagingDb } from "../../db/database";
import type { Blueprint } from "../../src/model/blueprint";
import type { EntityMappings, ResourceMapping } from "../../src/model/mapping";

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
      payload_hash: payload.length.toString(16),
      run_id: options.runId ?? 1,
      fetched_at: "2026-01-01T00:00:00Z",
    };
  });
  for (let start = 0; start < rows.length; start += 1000) {
    await db.insertInto("raw_records").values(rows.slice(start, start + 1000)).execute();
  }
}
