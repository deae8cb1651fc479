import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import { transform } from "../../../src/transform";
import { openTestDb } from "../../helpers/open-test-db";
import { createTestJqRunner } from "../../helpers/test-jq";
import { readFixtureRecords, readMapping, seedRawRecords } from "../../helpers/transform-fixtures";

const EXPECTED = JSON.parse(readFileSync(new URL("../../fixtures/port-page-expected-entities.json", import.meta.url), "utf8")) as {
  blueprint: string;
  identifier: string;
}[];

function byKey(a: { blueprint: string; identifier: string }, b: { blueprint: string; identifier: string }): number {
  return `${a.blueprint}/${a.identifier}`.localeCompare(`${b.blueprint}/${b.identifier}`);
}

describe("transform with the mappings of Port's Incident.io page", () => {
  it("maps the fixture records to exactly the expected entities", async () => {
    const { db } = openTestDb();
    const jq = await createTestJqRunner();
    const { config, blueprints } = readMapping("test/fixtures/port-page-mapping.yml", "test/fixtures/port-page-blueprints.json");
    for (const resource of config.resources) await seedRawRecords(db, resource.kind, readFixtureRecords(resource.name));

    const summary = await transform(
      { db, progress: SILENT_PROGRESS, jq },
      { runId: 1, resources: config.resources, blueprints, createMissingRelatedEntities: config.createMissingRelatedEntities },
    );

    const staged = await db.selectFrom("staged_entities").select(["entity_json", "held_back_reason"]).execute();
    expect(staged.map((row) => JSON.parse(row.entity_json) as { blueprint: string; identifier: string }).sort(byKey)).toEqual([...EXPECTED].sort(byKey));
    expect(staged.filter((row) => row.held_back_reason !== null)).toEqual([]);
    expect(await db.selectFrom("mapping_errors").selectAll().execute()).toEqual([]);
    expect(await db.selectFrom("relation_issues").selectAll().execute()).toEqual([]);
    expect(summary.kinds.map((kind) => [kind.name, kind.records, kind.entities, kind.skipped])).toEqual([
      ["users", 2, 2, 0],
      ["alert_sources", 2, 2, 0],
      ["schedules", 3, 3, 0],
      ["alerts", 3, 3, 0],
      ["incidents", 2, 2, 0],
      ["catalog_types", 2, 2, 0],
      ["catalog_entries", 2, 2, 0],
      ["severities", 2, 2, 0],
      ["teams", 2, 2, 0],
      ["follow_ups", 2, 2, 0],
    ]);
  });
});
