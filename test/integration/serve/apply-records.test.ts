import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { openDatabase } from "../../../db/database";
import { createRun } from "../../../db/queries/runs";
import { readConfig } from "../../../src/config/read-config";
import { createJqRunner } from "../../../src/jq/jq-runner";
import type { Config } from "../../../src/model/config";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import type { AppliedRecord, RecordToApply, WebhookResource } from "../../../src/model/webhook";
import { resolveAlert } from "../../../src/sandbox/incidentio/alert-lifecycle";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import type { IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";
import type { PortEntity } from "../../../src/sandbox/port/server";
import { createRecordApplier } from "../../../src/serve/apply-records";
import { queryStagingFile, startSyncWorld, type CliOutcome, type SyncWorld } from "../../helpers/sync-world";

// Applying records as serve does, against both sandboxes over real sockets, after a first `etl run`:
// the record is read by ID (the truth, not an event's payload), staged, mapped and pushed as one
// narrowed diff.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Applying {
  readonly world: SyncWorld;
  readonly config: Config;
  /** Applies with the applier of `config` (one per config object, as serve keeps one). */
  apply(records: readonly RecordToApply[], config?: Config, signal?: AbortSignal): Promise<AppliedRecord[]>;
  /** Entity writes Port received since the call's start, as `op blueprint/identifier`. */
  writesSince(from: number): string[];
}

function output(outcome: CliOutcome): string {
  return `${outcome.stdout}\n${outcome.stderr}`;
}

/** A synced world (one `etl run`), and an applier over its staging file, as serve opens one. */
async function startApplying(env: Readonly<Record<string, string>> = {}): Promise<Applying> {
  const world = await startSyncWorld({ incidentIo: { seed: 15 } });
  const first = await world.cli(["run"], env);
  expect(first.code, output(first)).toBe(0);
  const config = readConfig({ env: { ...world.env, ...env }, flags: {}, cwd: ROOT }, { incidentIo: true, port: true, jq: true });
  const opened = openDatabase(world.dbPath);
  onTestFinished(() => opened.close());
  const jq = await createJqRunner(config.jqPath as string);
  const runId = await createRun(opened.db, "serve", {}, new Date().toISOString());
  const appliers = new Map<Config, ReturnType<typeof createRecordApplier>>();
  onTestFinished(async () => {
    for (const applier of appliers.values()) await applier.close();
  });
  return {
    world,
    config,
    apply: (records, with_ = config, signal) => {
      let applier = appliers.get(with_);
      if (!applier) {
        applier = createRecordApplier({ config: with_, db: opened.db, runId, jq, progress: SILENT_PROGRESS });
        appliers.set(with_, applier);
      }
      return applier.apply(records, signal);
    },
    writesSince: (from) => world.port.writes.slice(from).map((write) => `${write.op} ${write.blueprint}/${write.identifier}`),
  };
}

function record(resource: WebhookResource, recordId: string, deleted = false): RecordToApply {
  return { resource, recordId, deleted };
}

function firstListed(world: SyncWorld, kind: IncidentIoKind, where: (record: JsonObject) => boolean = () => true): JsonObject {
  for (const found of world.incidentIo.dataset.records(kind)) if (where(found)) return found;
  throw new Error(`the sandbox lists no such ${kind}`);
}

/** Another of the organisation's incident statuses than `current`, as the sandbox's incidents carry them. */
function otherStatus(world: SyncWorld, current: unknown): JsonObject {
  const currentId = (current as JsonObject | undefined)?.["id"];
  for (const incident of world.incidentIo.dataset.records("incidents")) {
    const status = incident["incident_status"] as JsonObject | undefined;
    if (status && status["id"] !== currentId) return status;
  }
  throw new Error("the sandbox's incidents all have one status");
}

function rawPayload(world: SyncWorld, kind: string, id: string): string | undefined {
  return queryStagingFile<{ payload: string }>(world.dbPath, "select payload from raw_records where kind = ? and record_id = ?", kind, id)[0]?.payload;
}

function sorted(entities: readonly PortEntity[]): PortEntity[] {
  return [...entities].sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
}

describe("createRecordApplier", () => {
  it("pushes an incident's new status with exactly one entity write, reusing one Port token, and none when applied again", async () => {
    const { world, apply, writesSince } = await startApplying();
    const incident = firstListed(world, "incidents");
    const id = incident["id"] as string;
    const status = otherStatus(world, incident["incident_status"]);
    world.incidentIo.dataset.update("incidents", id, { incident_status: status });

    let from = world.port.writes.length;
    const requests = world.port.requests.length;
    expect(await apply([record("incident", id)])).toEqual([{ record: record("incident", id), outcome: { state: "applied", writes: 1 } }]);
    expect(writesSince(from)).toEqual([`upsert incidentioIncident/${id}`]);
    expect(world.port.entity("incidentioIncident", id)?.properties?.["statusName"]).toBe(status["name"]);

    from = world.port.writes.length;
    expect(await apply([record("incident", id)])).toEqual([{ record: record("incident", id), outcome: { state: "applied", writes: 0 } }]);
    expect(writesSince(from)).toEqual([]);
    expect(world.port.requests.slice(requests).filter((request) => request.path.endsWith("/auth/access_token"))).toHaveLength(1);
  }, 60_000);

  it("pushes only the entities of the records applied, not other differences the staging file holds", async () => {
    const { world, apply, writesSince } = await startApplying();
    const [applied, other] = [...world.incidentIo.dataset.records("incidents")].map((incident) => incident["id"] as string);
    world.incidentIo.dataset.update("incidents", applied as string, { name: "Applied by serve" });
    world.incidentIo.dataset.update("incidents", other as string, { name: "Staged by a run that has not loaded" });
    for (const stage of ["extract", "transform"]) {
      const outcome = await world.cli([stage, "--only", "incidents"]);
      expect(outcome.code, output(outcome)).toBe(0);
    }
    const from = world.port.writes.length;
    expect((await apply([record("incident", applied as string)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    expect(writesSince(from)).toEqual([`upsert incidentioIncident/${applied}`]);
    expect(world.port.entity("incidentioIncident", other as string)?.title).not.toBe("Staged by a run that has not loaded");
  }, 60_000);

  it("leaves the newer state when an older event is applied after a newer one: the record is read, not the event", async () => {
    const { world, apply } = await startApplying();
    const incident = firstListed(world, "incidents");
    const id = incident["id"] as string;
    world.incidentIo.dataset.update("incidents", id, { name: "Older name" });
    expect((await apply([record("incident", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    world.incidentIo.dataset.update("incidents", id, { name: "Newer name" });
    // The newer event is applied first, then the older one arrives late: both read the current record.
    expect((await apply([record("incident", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    expect((await apply([record("incident", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 0 });
    expect(world.port.entity("incidentioIncident", id)?.title).toBe("Newer name");
  }, 60_000);

  it("deletes a schedule's entity once the API answers 404, and keeps one whose deleted event is contradicted by the API", async () => {
    const { world, apply, writesSince } = await startApplying();
    const [gone, kept] = [...world.incidentIo.dataset.records("schedules")].map((schedule) => schedule["id"] as string);
    expect(gone && kept && world.port.entity("incidentioSchedule", gone) && world.port.entity("incidentioSchedule", kept)).toBeTruthy();
    world.incidentIo.dataset.remove("schedules", gone as string);

    const from = world.port.writes.length;
    const outcomes = await apply([record("schedule", gone as string, true), record("schedule", kept as string, true)]);
    expect(outcomes.map((applied) => applied.outcome)).toEqual([
      { state: "deleted", writes: 1 },
      { state: "applied", writes: 0 },
    ]);
    expect(writesSince(from)).toEqual([`delete incidentioSchedule/${gone}`]);
    expect(world.port.entity("incidentioSchedule", gone as string)).toBeUndefined();
    expect(world.port.entity("incidentioSchedule", kept as string)).toBeDefined();
    expect(rawPayload(world, "/v2/schedules", gone as string)).toBeUndefined();
  }, 60_000);

  it("creates again the staged follow-ups Port deletes along with a deleted incident", async () => {
    const { world, apply } = await startApplying();
    const { dataset } = world.incidentIo;
    const followUps = [...dataset.records("follow_ups")];
    const incident = [...dataset.records("incidents")].find((found) => followUps.some((followUp) => followUp["incident_id"] === found["id"]));
    const id = incident?.["id"] as string;
    const dependents = followUps.filter((followUp) => followUp["incident_id"] === id).map((followUp) => followUp["id"] as string);
    dataset.remove("incidents", id);

    const from = world.port.writes.length;
    expect((await apply([record("incident", id)]))[0]?.outcome).toMatchObject({ state: "deleted" });
    expect(world.port.writes.slice(from).filter((write) => write.op === "delete").map((write) => write.identifier)).toContain(id);
    for (const followUp of dependents) expect(world.port.entity("incidentioFollowUp", followUp)).toBeDefined();
  }, 60_000);

  it("answers retry and changes nothing when the API fails, then applies once it answers", async () => {
    const { world, apply, writesSince } = await startApplying();
    const incident = firstListed(world, "incidents");
    const id = incident["id"] as string;
    world.incidentIo.dataset.update("incidents", id, { name: "Renamed while the API fails" });
    const before = rawPayload(world, "/v2/incidents", id);
    // 403 is not retried by the HTTP client: the failure reaches the applier at once.
    world.incidentIo.faults.add({ route: "GET /v2/incidents/*", fault: { type: "status", status: 403 } });

    const from = world.port.writes.length;
    const [failed] = await apply([record("incident", id)]);
    expect(failed?.outcome.state).toBe("retry");
    expect(failed?.outcome).toMatchObject({ error: expect.stringMatching(/GET \/v2\/incidents\/.*403/) });
    expect(writesSince(from)).toEqual([]);
    expect(rawPayload(world, "/v2/incidents", id)).toBe(before);

    expect((await apply([record("incident", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    expect(world.port.entity("incidentioIncident", id)?.title).toBe("Renamed while the API fails");
  }, 60_000);

  it("answers retry when Port cannot be reached, and pushes the record on the next try", async () => {
    const { world, apply } = await startApplying({ ETL_MAX_ATTEMPTS: "1" });
    const schedule = firstListed(world, "schedules");
    const id = schedule["id"] as string;
    world.incidentIo.dataset.update("schedules", id, { name: "Renamed while Port fails" });
    world.port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", fault: { type: "status", status: 503 }, times: 5 });

    const [failed] = await apply([record("schedule", id)]);
    expect(failed?.outcome.state).toBe("retry");
    expect(world.port.entity("incidentioSchedule", id)?.title).not.toBe("Renamed while Port fails");
    world.port.faults.clear();
    expect((await apply([record("schedule", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    expect(world.port.entity("incidentioSchedule", id)?.title).toBe("Renamed while Port fails");
  }, 60_000);

  it("answers retry for every record and changes nothing once told to stop", async () => {
    const { world, config, apply, writesSince } = await startApplying();
    const id = firstListed(world, "incidents")["id"] as string;
    world.incidentIo.dataset.update("incidents", id, { name: "Renamed as serve stops" });
    const before = rawPayload(world, "/v2/incidents", id);
    const from = world.port.writes.length;
    const stopped = AbortSignal.abort();
    const outcomes = await apply([record("incident", id)], { ...config }, stopped);
    expect(outcomes.map((applied) => applied.outcome.state)).toEqual(["retry"]);
    expect(writesSince(from)).toEqual([]);
    expect(rawPayload(world, "/v2/incidents", id)).toBe(before);
  }, 60_000);

  it("says not-mapped for a record of a kind the mapping does not read, without reading it", async () => {
    const { world, config, apply } = await startApplying();
    const withoutSchedules: Config = { ...config, mapping: { ...config.mapping, resources: config.mapping.resources.filter((resource) => resource.kind !== "/v2/schedules") } };
    const requests = world.incidentIo.requests.length;
    const id = firstListed(world, "schedules")["id"] as string;
    expect(await apply([record("schedule", id)], withoutSchedules)).toEqual([{ record: record("schedule", id), outcome: { state: "not-mapped" } }]);
    expect(world.incidentIo.requests.slice(requests)).toEqual([]);
  }, 60_000);

  it("pushes a resolved alert", async () => {
    const { world, apply } = await startApplying();
    const alert = firstListed(world, "alerts", (found) => found["status"] === "firing");
    const id = alert["id"] as string;
    resolveAlert(world.incidentIo.dataset, id);
    expect((await apply([record("alert", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    expect(world.port.entity("incidentioAlert", id)?.properties?.["status"]).toBe("resolved");
  }, 60_000);

  it("pushes a follow-up as /v3/follow_ups lists it, read through its incident", async () => {
    const { world, apply } = await startApplying();
    const followUp = firstListed(world, "follow_ups");
    const id = followUp["id"] as string;
    world.incidentIo.dataset.update("follow_ups", id, { title: "Retitled follow-up" });
    const requests = world.incidentIo.requests.length;
    expect((await apply([record("follow_up", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 1 });
    // One page of its incident's follow-ups, not the whole list.
    expect(world.incidentIo.requests.slice(requests).map((request) => [request.path, request.query["incident_id"]])).toEqual([["/v3/follow_ups", followUp["incident_id"]]]);
    expect(world.port.entity("incidentioFollowUp", id)?.title).toBe("Retitled follow-up");
    // The staged payload is the v3 list's (with its category), as a full read stages it.
    expect(JSON.parse(rawPayload(world, "/v3/follow_ups", id) ?? "{}")).toEqual(world.incidentIo.dataset.get("follow_ups", id));
  }, 60_000);

  it("reads a staged follow-up through the incident it names, and never deletes one on a 404 from the deprecated v2 Show", async () => {
    const { world, apply, writesSince } = await startApplying();
    const [updated, removed] = [...world.incidentIo.dataset.records("follow_ups")].map((followUp) => followUp["id"] as string);
    // As the API will answer once the v2 follow-up routes are removed (31 December 2026).
    world.incidentIo.faults.add({ route: "GET /v2/follow_ups/*", fault: { type: "status", status: 404 }, times: 100 });
    world.incidentIo.dataset.update("follow_ups", updated as string, { title: "Retitled without v2" });
    world.incidentIo.dataset.remove("follow_ups", removed as string);

    const from = world.port.writes.length;
    const outcomes = await apply([record("follow_up", updated as string), record("follow_up", removed as string)]);
    expect(outcomes.map((applied) => applied.outcome)).toEqual([
      { state: "applied", writes: 1 },
      { state: "applied", writes: 0 },
    ]);
    expect(writesSince(from)).toEqual([`upsert incidentioFollowUp/${updated}`]);
    expect(world.incidentIo.requests.filter((request) => request.path.startsWith("/v2/follow_ups/"))).toEqual([]);
    // The removed one waits for the next full read, which alone may conclude it is gone.
    expect(world.port.entity("incidentioFollowUp", removed as string)).toBeDefined();
    world.incidentIo.faults.clear();
    const full = await world.cli(["run", "--full-refresh"]);
    expect(full.code, output(full)).toBe(0);
    expect(world.port.entity("incidentioFollowUp", removed as string)).toBeUndefined();
  }, 90_000);

  it("neither stages nor deletes an incident its list no longer returns (a test incident), leaving it to the next full read", async () => {
    const { world, apply, writesSince } = await startApplying();
    const incident = firstListed(world, "incidents");
    const id = incident["id"] as string;
    const before = rawPayload(world, "/v2/incidents", id);
    world.incidentIo.dataset.update("incidents", id, { mode: "test", name: "Now a test incident" });

    const from = world.port.writes.length;
    expect((await apply([record("incident", id)]))[0]?.outcome).toEqual({ state: "applied", writes: 0 });
    expect(writesSince(from)).toEqual([]);
    expect(rawPayload(world, "/v2/incidents", id)).toBe(before);

    const full = await world.cli(["run", "--full-refresh"]);
    expect(full.code, output(full)).toBe(0);
    expect(world.port.entity("incidentioIncident", id)).toBeUndefined();
  }, 90_000);

  it("leaves Port as a full refresh would after a series of applies, new incidents and their relations included", async () => {
    const { world, config, apply } = await startApplying();
    const { dataset } = world.incidentIo;
    const incidents = [...dataset.records("incidents")];
    const renamed = incidents[1]?.["id"] as string;
    dataset.update("incidents", renamed, { name: "Renamed for equivalence" });
    const opened = dataset.add("incidents", { name: "Opened while serve listens" });
    const schedule = firstListed(world, "schedules")["id"] as string;
    dataset.remove("schedules", schedule);
    const firing = firstListed(world, "alerts", (found) => found["status"] === "firing")["id"] as string;
    resolveAlert(dataset, firing);
    const followUp = dataset.add("follow_ups", { title: "Follow-up added live", incident_id: incidents[2]?.["id"] as string });
    // Deleting an incident deletes its follow-ups in Port too (deleteDependentEntities); they are staged still, so they come back.
    const withFollowUps = incidents.find((incident, index) => index > 2 && [...dataset.records("follow_ups")].some((found) => found["incident_id"] === incident["id"]));
    const deletedIncident = withFollowUps?.["id"] as string;
    dataset.remove("incidents", deletedIncident);

    const outcomes = await apply([
      record("incident", renamed),
      record("incident", opened["id"] as string),
      record("schedule", schedule, true),
      record("alert", firing),
      record("follow_up", followUp["id"] as string),
      record("incident", deletedIncident),
    ]);
    expect(outcomes.map((applied) => applied.outcome.state)).toEqual(["applied", "applied", "deleted", "applied", "applied", "deleted"]);
    expect(world.port.writes.some((write) => write.op === "delete" && write.identifier === deletedIncident)).toBe(true);
    const orphaned = [...dataset.records("follow_ups")].filter((found) => found["incident_id"] === deletedIncident).map((found) => found["id"] as string);
    expect(orphaned.length).toBeGreaterThan(0);
    for (const id of orphaned) expect(world.port.entity("incidentioFollowUp", id)).toBeDefined();
    // The new incident's lead is its commander, a user the first run pushed.
    const lead = (opened["incident_role_assignments"] as JsonObject[]).find((assignment) => (assignment["role"] as JsonObject)["role_type"] === "lead");
    const leadId = (lead?.["assignee"] as JsonObject | undefined)?.["id"] as string;
    expect(world.port.entity("incidentioIncident", opened["id"] as string)?.relations["commander"]).toBe(leadId);
    expect(world.port.entity("incidentioUser", leadId)).toBeDefined();

    const state = () => Object.fromEntries(config.blueprints.map((blueprint) => [blueprint.identifier, sorted(world.port.entities(blueprint.identifier))]));
    const afterApplies = state();
    const from = world.port.writes.length;
    const full = await world.cli(["run", "--full-refresh"]);
    expect(full.code, output(full)).toBe(0);
    expect(world.port.writes.slice(from)).toEqual([]);
    expect(state()).toEqual(afterApplies);
  }, 120_000);
});
