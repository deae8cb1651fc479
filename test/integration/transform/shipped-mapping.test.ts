import { describe, expect, it } from "vitest";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import { createIncidentIoDataset } from "../../../src/sandbox/incidentio/dataset";
import type { IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";
import { transform } from "../../../src/transform";
import { openTestDb } from "../../helpers/open-test-db";
import { createTestJqRunner } from "../../helpers/test-jq";
import { readMapping, seedRawRecords } from "../../helpers/transform-fixtures";

describe("transform with the shipped mapping and blueprints", () => {
  it("maps sandbox records of every kind into entities Port accepts, without mapping errors", async () => {
    const { db } = openTestDb();
    const jq = await createTestJqRunner();
    const { config, blueprints } = readMapping("resources/port-app-config.yml", "resources/blueprints.json");
    const dataset = createIncidentIoDataset({ seed: 3, scale: "demo" });
    for (const resource of config.resources) {
      const records = [...dataset.records(resource.name as IncidentIoKind)].map((record) =>
        resource.selector.pathParameters.length > 0 ? { ...record, __catalog_type_id: String(record["catalog_type_id"]) } : record,
      );
      await seedRawRecords(db, resource.kind, records);
    }

    const summary = await transform(
      { db, progress: SILENT_PROGRESS, jq },
      { runId: 1, resources: config.resources, blueprints, createMissingRelatedEntities: config.createMissingRelatedEntities },
    );

    expect(summary.kinds.map((kind) => kind.name).sort()).toEqual(
      ["alert_sources", "alerts", "catalog_entries", "catalog_types", "follow_ups", "incidents", "severities", "schedules", "teams", "users"].sort(),
    );
    for (const kind of summary.kinds) {
      expect(kind.entities, kind.name).toBeGreaterThan(0);
      expect(kind.entities + kind.skipped + kind.filtered, kind.name).toBe(kind.records);
      expect([kind.mappingErrors, kind.heldBack], kind.name).toEqual([0, 0]);
    }
    const held = await db.selectFrom("staged_entities").select(["identifier", "held_back_reason"]).where("held_back_reason", "is not", null).limit(5).execute();
    expect(held).toEqual([]);
  });
});
