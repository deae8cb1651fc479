import { describe, expect, it, onTestFinished } from "vitest";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import type { RunSummary } from "../../../src/model/summary";
import { runPipeline } from "../../../src/pipeline/run";
import type { IncidentIoDataset } from "../../../src/sandbox/incidentio/dataset";
import type { IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";
import { startIncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import type { PortEntity } from "../../../src/sandbox/port/server";
import { startInstallation, type Installation } from "../../helpers/installation";
import { makeTempDir } from "../../helpers/temp-dir";

const INCREMENTAL_BLUEPRINTS = new Set(["incidentioIncident", "incidentioFollowUp", "incidentioAlert"]);
const INCREMENTAL_KINDS = new Set(["incidents", "follow_ups", "alerts"]);

async function sync(target: Installation): Promise<RunSummary> {
  return runPipeline({ config: target.config, progress: SILENT_PROGRESS }, { command: "run" });
}

/** Every entity of every blueprint, sorted, as Port holds it. */
function portState(target: Installation): Record<string, PortEntity[]> {
  return Object.fromEntries(
    target.config.blueprints.map((blueprint) => [
      blueprint.identifier,
      target.port.entities(blueprint.identifier).sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0)),
    ]),
  );
}

function idOf(dataset: IncidentIoDataset, kind: IncidentIoKind, position: number): string {
  let index = 0;
  for (const record of dataset.records(kind)) {
    if (index === position) return String(record["id"]);
    index += 1;
  }
  throw new RangeError(`${kind} lists fewer than ${position + 1} records`);
}

/** One round of changes in Incident.io between two syncs: updates, additions and deletions of incremental and full kinds. */
function mutate(dataset: IncidentIoDataset, round: number): void {
  const incident = (position: number) => idOf(dataset, "incidents", position);
  const followUp = (position: number) => idOf(dataset, "follow_ups", position);
  dataset.update("incidents", incident(round * 3), { name: `Renamed in round ${round}` });
  dataset.update("follow_ups", followUp(round * 5), { title: `Retitled in round ${round}` });
  dataset.add("incidents", { name: `Opened in round ${round}` });
  dataset.add("follow_ups", { title: `Added in round ${round}`, incident_id: incident(round) });
  dataset.remove("follow_ups", followUp(round * 7 + 1));
  dataset.remove("alerts", idOf(dataset, "alerts", round * 2));
  dataset.update("users", idOf(dataset, "users", round), { name: `User renamed in round ${round}` });
  if (round % 2 === 0) dataset.remove("incidents", incident(round * 4 + 2));
  // Moved out of the default list without being deleted: its follow-ups vanish from /v3/follow_ups too,
  // without their updated_at moving.
  if (round === 5) dataset.update("incidents", incident(1), { mode: "test" });
  if (round === 3) dataset.remove("catalog_entries", idOf(dataset, "catalog_entries", 2));
}

describe("incremental sync", () => {
  it("gives the same Port state as full syncs only, deletes included, once its periodic full extract has run", async () => {
    const incidentIo = await startIncidentIoSandbox({
      seed: 21,
      scale: { users: 15, alert_sources: 3, schedules: 3, alerts: 40, incidents: 60, catalog_types: 2, catalog_entries: [6, 4], severities: 3, teams: 4, follow_ups: 70 },
    });
    onTestFinished(() => incidentIo.close());
    const dir = makeTempDir("etl-incremental-");
    const fullOnly = await startInstallation(incidentIo, dir, "full-only", { ETL_FULL_REFRESH_EVERY_RUNS: "1" });
    const incremental = await startInstallation(incidentIo, dir, "incremental", { ETL_FULL_REFRESH_EVERY_RUNS: "3" });

    const modes: string[] = [];
    for (let run = 1; run <= 7; run += 1) {
      if (run > 1) mutate(incidentIo.dataset, run - 1);
      const fullWrites = fullOnly.port.writes.length;
      const incrementalWrites = incremental.port.writes.length;
      const [fullSummary, incrementalSummary] = [await sync(fullOnly), await sync(incremental)];
      expect([fullSummary.status, incrementalSummary.status]).toEqual(["succeeded", "succeeded"]);
      expect(fullSummary.extract?.kinds.every((k) => k.mode === "full")).toBe(true);
      const kindModes = new Set(incrementalSummary.extract?.kinds.filter((k) => INCREMENTAL_KINDS.has(k.name)).map((k) => k.mode));
      expect(kindModes.size).toBe(1);
      const mode = [...kindModes][0] as string;
      modes.push(mode);

      const deletes = (target: Installation, from: number) => target.port.writes.slice(from).filter((write) => write.op === "delete");
      if (mode === "incremental") {
        // An incremental run deletes nothing fed by incidents, follow-ups or alerts, while the other kinds are read in full.
        expect(deletes(incremental, incrementalWrites).filter((write) => INCREMENTAL_BLUEPRINTS.has(write.blueprint))).toEqual([]);
        expect(incrementalSummary.extract?.kinds.filter((k) => !INCREMENTAL_KINDS.has(k.name)).every((k) => k.mode === "full")).toBe(true);
        // ...so until its next full extract it still holds follow-ups deleted at the source.
        const fullOnlyFollowUps = new Set(fullOnly.port.entities("incidentioFollowUp").map((entity) => entity.identifier));
        expect(incremental.port.entities("incidentioFollowUp").some((entity) => !fullOnlyFollowUps.has(entity.identifier))).toBe(true);
      } else {
        expect(portState(incremental)).toEqual(portState(fullOnly));
      }
      if (run > 1) expect(deletes(fullOnly, fullWrites).some((write) => INCREMENTAL_BLUEPRINTS.has(write.blueprint))).toBe(true);
    }

    expect(modes).toEqual(["full", "incremental", "incremental", "full", "incremental", "incremental", "full"]);
    const state = portState(incremental);
    expect(state).toEqual(portState(fullOnly));
    // Port holds what the source lists, plus the untitled placeholders createMissingRelatedEntities made for
    // follow-ups whose incident is gone.
    const listed = (kind: IncidentIoKind) => [...incidentIo.dataset.records(kind)].map((record) => String(record["id"])).sort();
    const titled = (blueprint: string) => (state[blueprint] ?? []).filter((entity) => entity.title !== undefined).map((entity) => entity.identifier);
    expect(titled("incidentioIncident")).toEqual(listed("incidents"));
    expect(titled("incidentioFollowUp")).toEqual(listed("follow_ups"));
  }, 120_000);
});
