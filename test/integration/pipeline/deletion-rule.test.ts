import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type { JsonObject, JsonValue } from "../../../src/sandbox/incidentio/json";
import { queryStagingFile, startSyncWorld, type CliOutcome, type SyncWorld } from "../../helpers/sync-world";

// The deletion rule: an entity is deleted only when its source record is absent from a complete read. A
// record that was read but could not be mapped keeps its entity in Port exactly as last pushed.
const SCHEDULES = "/v2/schedules";
const BLUEPRINT = "incidentioSchedule";
const SHIPPED_MAPPING = fileURLToPath(new URL("../../../resources/port-app-config.yml", import.meta.url));

interface UnmappedRow {
  readonly kind: string;
  readonly record_id: string;
  readonly reason: string;
}

/** The world after a first full run: every kind synced, and the schedule the test changes. */
async function startSyncedWorld(args: readonly string[] = []): Promise<{ world: SyncWorld; scheduleId: string }> {
  const world = await startSyncWorld({ incidentIo: { seed: 12 } });
  const first = await world.cli(["run", ...args]);
  expect(first.code, output(first)).toBe(0);
  const schedule = world.incidentIo.dataset.records("schedules").next().value as JsonObject | undefined;
  const scheduleId = schedule?.["id"] as string;
  expect(world.port.entity(BLUEPRINT, scheduleId)).toBeDefined();
  return { world, scheduleId };
}

function output(outcome: CliOutcome): string {
  return `${outcome.stdout}\n${outcome.stderr}`;
}

function deletesSent(world: SyncWorld, from: number): string[] {
  return world.port.writes.slice(from).flatMap((write) => (write.op === "delete" ? [`${write.blueprint}/${write.identifier}`] : []));
}

function unmappedRecords(world: SyncWorld): UnmappedRow[] {
  return queryStagingFile<UnmappedRow>(world.dbPath, "select kind, record_id, reason from unmapped_records order by kind, record_id");
}

/** A value nested `levels` arrays deep. */
function nestedArrays(levels: number): JsonValue {
  let value: JsonValue = [];
  for (let level = 1; level < levels; level += 1) value = [value];
  return value;
}

/** The shipped mapping with the schedules' identifier replaced, written into the world's directory. */
function writeMapping(world: SyncWorld, identifier: string): string {
  const document = parseDocument(readFileSync(SHIPPED_MAPPING, "utf8"));
  const resources = document.get("resources") as { items: { get(key: string): unknown; setIn(path: string[], value: string): void }[] };
  const schedules = resources.items.find((resource) => resource.get("kind") === SCHEDULES);
  schedules?.setIn(["port", "entity", "mappings", "identifier"], identifier);
  const path = join(world.dir, "mapping.yml");
  writeFileSync(path, document.toString());
  return path;
}

/** Runs the schedules alone after a change, and checks what the rule promises for the schedule's entity in Port. */
async function expectKept(world: SyncWorld, scheduleId: string, args: readonly string[] = []): Promise<CliOutcome> {
  const before = world.port.entity(BLUEPRINT, scheduleId);
  const writes = world.port.writes.length;
  const second = await world.cli(["run", "--only", "schedules", ...args]);
  expect(second.code, output(second)).toBe(1);
  expect(deletesSent(world, writes)).toEqual([]);
  // Untouched: neither deleted nor updated.
  expect(world.port.entity(BLUEPRINT, scheduleId)).toEqual(before);
  expect(world.port.writes.slice(writes).filter((write) => write.identifier === scheduleId)).toEqual([]);
  expect(second.stdout).toMatch(/\(\+1 kept\)/);
  expect(output(second)).toMatch(/load: 1 entity was kept in Port as last pushed, neither updated nor deleted .*; see pnpm etl status/);
  return second;
}

describe("the deletion rule, end to end", () => {
  it("maps a schedule whose name becomes \"x\\u0000\\ud800\" (a lone surrogate jq refuses) instead of deleting its entity", async () => {
    const { world, scheduleId } = await startSyncedWorld();
    world.incidentIo.dataset.update("schedules", scheduleId, { name: "x\u0000\ud800" });
    const writes = world.port.writes.length;

    const second = await world.cli(["run", "--only", "schedules"]);

    expect(second.code, output(second)).toBe(0);
    expect(deletesSent(world, writes)).toEqual([]);
    // Every jq reads the lone surrogate as U+FFFD, so jq 1.6 and 1.7 give this same entity.
    expect(world.port.entity(BLUEPRINT, scheduleId)?.title).toBe("x\u0000\ufffd");
    expect(unmappedRecords(world)).toEqual([]);
  });

  it("keeps the entity of a schedule nested deeper than jq 1.6 and 1.7 parse, names the record and its reason, and exits 1", async () => {
    const { world, scheduleId } = await startSyncedWorld();
    world.incidentIo.dataset.update("schedules", scheduleId, { deep: nestedArrays(300) });

    await expectKept(world, scheduleId);

    expect(unmappedRecords(world)).toEqual([
      { kind: SCHEDULES, record_id: scheduleId, reason: expect.stringMatching(/^jq cannot parse the record: it is nested deeper than the 256 levels jq 1\.6 and 1\.7 read/) },
    ]);
    const status = await world.cli(["status"]);
    expect(status.stdout).toContain("Records that could not be mapped (their entities in Port are kept as last pushed)");
    expect(status.stdout).toContain(`${SCHEDULES} record ${scheduleId}: jq cannot parse the record: it is nested deeper`);
    expect(status.stdout).toMatch(new RegExp(`^  ${BLUEPRINT} +0 +0 +0 +\\d+ +1 *$`, "m"));
  });

  it("keeps the entity of a schedule on which the identifier expression fails, and exits 1", async () => {
    const world = await startSyncWorld({ incidentIo: { seed: 12 } });
    const mapping = writeMapping(world, '.id + (.suffix // "")');
    const first = await world.cli(["run", "--mapping", mapping]);
    expect(first.code, output(first)).toBe(0);
    const scheduleId = (world.incidentIo.dataset.records("schedules").next().value as JsonObject)["id"] as string;
    expect(world.port.entity(BLUEPRINT, scheduleId)).toBeDefined();
    world.incidentIo.dataset.update("schedules", scheduleId, { suffix: 5 });

    await expectKept(world, scheduleId, ["--mapping", mapping]);

    expect(unmappedRecords(world)).toEqual([
      { kind: SCHEDULES, record_id: scheduleId, reason: expect.stringMatching(/^the identifier expression \(\.id \+ \(\.suffix \/\/ ""\)\) failed: string .* and number .* cannot be added/) },
    ]);
  });

  it("keeps an entity already in Port whose new version validation holds back, rather than delete it", async () => {
    const { world, scheduleId } = await startSyncedWorld();
    world.incidentIo.dataset.update("schedules", scheduleId, { timezone: 5 });

    await expectKept(world, scheduleId);

    expect(unmappedRecords(world)).toEqual([]);
    const heldBack = queryStagingFile<{ held_back_reason: string }>(world.dbPath, "select held_back_reason from staged_entities where identifier = ?", scheduleId);
    expect(heldBack).toEqual([{ held_back_reason: expect.stringMatching(/timezone/) }]);
  });

  it("still deletes the entity of a schedule absent from a complete read", async () => {
    const { world, scheduleId } = await startSyncedWorld();
    world.incidentIo.dataset.remove("schedules", scheduleId);
    const writes = world.port.writes.length;

    const second = await world.cli(["run", "--only", "schedules"]);

    expect(second.code, output(second)).toBe(0);
    expect(deletesSent(world, writes)).toEqual([`${BLUEPRINT}/${scheduleId}`]);
    expect(world.port.entity(BLUEPRINT, scheduleId)).toBeUndefined();
  });
});
