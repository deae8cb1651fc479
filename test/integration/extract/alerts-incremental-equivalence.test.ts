import { describe, expect, it, onTestFinished } from "vitest";
import { SILENT_PROGRESS } from "../../../src/model/progress";
import type { ExtractKindSummary } from "../../../src/model/summary";
import { runPipeline } from "../../../src/pipeline/run";
import { fireAlert, refireAlert, resolveAlert } from "../../../src/sandbox/incidentio/alert-lifecycle";
import type { IncidentIoDataset } from "../../../src/sandbox/incidentio/dataset";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import { startIncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import type { PortEntity } from "../../../src/sandbox/port/server";
import { startInstallation, type Installation } from "../../helpers/installation";
import { makeTempDir } from "../../helpers/temp-dir";
import { openTestDb } from "../../helpers/open-test-db";
import { configFor, runExtract, startSandbox } from "./harness";

const ALERTS = "/v2/alerts";
const ALERT_BLUEPRINT = "incidentioAlert";
const BY_ID_MAX = 3;
const DAY_MS = 86_400_000;

/** One run of the pipeline over alerts; its alerts extract summary. */
async function sync(target: Installation): Promise<ExtractKindSummary> {
  const summary = await runPipeline({ config: target.config, progress: SILENT_PROGRESS }, { command: "run", only: ["alerts"] });
  expect(summary.status).toBe("succeeded");
  const kind = summary.extract?.kinds.find((k) => k.kind === ALERTS);
  if (!kind) throw new Error("the run extracted no alerts");
  return kind;
}

/** The alert entities Port holds, by identifier. */
function alertsInPort(target: Installation): Map<string, PortEntity> {
  return new Map(target.port.entities(ALERT_BLUEPRINT).map((entity) => [entity.identifier, entity]));
}

/** Generated alerts (created long before any run) with `status`, the first `count` not yet used by the test. */
function generatedAlerts(dataset: IncidentIoDataset, used: Set<string>, wanted: (alert: JsonObject) => boolean, count: number): string[] {
  const found: string[] = [];
  for (const alert of dataset.records("alerts")) {
    const id = String(alert["id"]);
    if (found.length === count) break;
    if (used.has(id) || !wanted(alert) || Date.parse(String(alert["created_at"])) > Date.now() - 30 * DAY_MS) continue;
    used.add(id);
    found.push(id);
  }
  if (found.length < count) throw new RangeError(`fewer than ${count} generated alerts left to use`);
  return found;
}

const isOpen = (alert: JsonObject) => alert["status"] !== "resolved";
const isResolved = (alert: JsonObject) => alert["status"] === "resolved";

describe("incremental alerts read", () => {
  it("gives the same Port state as full reads only, through resolutions, re-fires and deletions, and never misses a change between full reads", async () => {
    const incidentIo = await startIncidentIoSandbox({
      seed: 3,
      openAlerts: "few",
      scale: { users: 3, alert_sources: 3, schedules: 1, alerts: 500, incidents: 3, catalog_types: 1, catalog_entries: 3, severities: 2, teams: 2, follow_ups: 2 },
    });
    onTestFinished(() => incidentIo.close());
    const dir = makeTempDir("etl-alerts-incremental-");
    const fullOnly = await startInstallation(incidentIo, dir, "full-only", { ETL_FULL_REFRESH_EVERY_RUNS: "1" });
    const incremental = await startInstallation(incidentIo, dir, "incremental", { ETL_FULL_REFRESH_EVERY_RUNS: "4", ETL_ALERTS_BY_ID_MAX: String(BY_ID_MAX) });
    const { dataset } = incidentIo;
    const used = new Set<string>();
    /** Alerts deleted at the source: an incremental read leaves them to the next full read. */
    const deleted = new Set<string>();

    // Each round changes Incident.io between two runs; the check runs after both installations synced.
    const rounds: { name: string; mutate: () => void; expectMode: "full" | "incremental"; expectById?: number }[] = [
      { name: "first read", mutate: () => undefined, expectMode: "full" },
      {
        name: "new alerts, an old open one resolved, a re-fire, an edit of an open one, a deletion",
        mutate: () => {
          const [resolvedLater, edited] = generatedAlerts(dataset, used, isOpen, 2);
          const [refired, removed] = generatedAlerts(dataset, used, isResolved, 2);
          fireAlert(dataset, { title: "Round 1: new and still firing" });
          resolveAlert(dataset, String(fireAlert(dataset, { title: "Round 1: fired and resolved between runs" })["id"]));
          resolveAlert(dataset, resolvedLater as string);
          dataset.update("alerts", edited as string, { title: "Round 1: edited while open" });
          refireAlert(dataset, refired as string);
          dataset.remove("alerts", removed as string);
          deleted.add(removed as string);
        },
        expectMode: "incremental",
        expectById: 1,
      },
      {
        name: "more open alerts closed than ETL_ALERTS_BY_ID_MAX: read in full",
        mutate: () => {
          for (const id of generatedAlerts(dataset, used, isOpen, BY_ID_MAX + 1)) resolveAlert(dataset, id);
        },
        expectMode: "full",
      },
      {
        name: "an open alert deleted (404 by ID), one resolved, and nothing else",
        mutate: () => {
          const [removed, resolved] = generatedAlerts(dataset, used, isOpen, 2);
          dataset.remove("alerts", removed as string);
          deleted.add(removed as string);
          resolveAlert(dataset, resolved as string);
        },
        expectMode: "incremental",
        expectById: 2,
      },
      { name: "nothing changed", mutate: () => undefined, expectMode: "incremental", expectById: 1 },
      {
        name: "today's alerts resolved and fired again, a resolved one re-fired twice",
        mutate: () => {
          const today = [...dataset.records("alerts", { statusOneOf: ["firing"], createdAtGte: new Date().toISOString().slice(0, 10) })];
          for (const alert of today) resolveAlert(dataset, String(alert["id"]));
          const first = today[0];
          if (first) refireAlert(dataset, String(first["id"]));
          const [old] = generatedAlerts(dataset, used, isResolved, 1);
          resolveAlert(dataset, String(refireAlert(dataset, old as string)["id"]));
          refireAlert(dataset, old as string);
        },
        expectMode: "incremental",
        expectById: 1,
      },
      { name: "the periodic full read", mutate: () => undefined, expectMode: "full" },
    ];

    const modes: string[] = [];
    for (const round of rounds) {
      round.mutate();
      incidentIo.requests.length = 0;
      const full = await sync(fullOnly);
      expect(full.mode).toBe("full");
      incidentIo.requests.length = 0;
      const read = await sync(incremental);
      modes.push(read.mode);
      expect(read.mode, round.name).toBe(round.expectMode);

      const expected = alertsInPort(fullOnly);
      const actual = alertsInPort(incremental);
      if (read.mode === "full") {
        expect(actual, round.name).toEqual(expected);
        continue;
      }
      // Every alert as a full read sees it, no resolution or re-fire missed...
      for (const [id, entity] of expected) expect(actual.get(id), `${round.name}: alert ${id}`).toEqual(entity);
      // ...and besides them only alerts deleted at the source, which wait for the full read.
      expect([...actual.keys()].filter((id) => !expected.has(id)).every((id) => deleted.has(id)), round.name).toBe(true);

      // Requests: the created_at and open lists (one page each at this scale) and one GET per alert closed since.
      const byId = incidentIo.requests.filter((request) => request.path.startsWith(`${ALERTS}/`));
      const lists = incidentIo.requests.filter((request) => request.path === ALERTS);
      expect(byId.length, round.name).toBe(round.expectById);
      expect(lists.map((request) => Object.keys(request.query).filter((key) => key !== "page_size" && key !== "after")), round.name).toEqual([
        ["created_at[gte]"],
        ["status[not_in]"],
      ]);
      expect(read.requests, round.name).toBe(lists.length + byId.length);
      expect(read.since, round.name).toBe(new Date(Date.now() - 10 * 60_000).toISOString().slice(0, 10));
    }
    expect(modes).toEqual(["full", "incremental", "full", "incremental", "incremental", "incremental", "full"]);
    expect(alertsInPort(incremental)).toEqual(alertsInPort(fullOnly));
    for (const id of deleted) expect(alertsInPort(incremental).has(id)).toBe(false);
  }, 120_000);
});

describe("incremental alerts read at the edges of its created_at window", () => {
  it("reads alerts created from the first instant of the window's UTC day, and leaves one stamped the instant before to the full read", async () => {
    const sandbox = await startSandbox({ seed: 3, scale: { users: 2, alert_sources: 2, schedules: 1, alerts: 200, incidents: 2, catalog_types: 1, catalog_entries: 2, severities: 1, teams: 1, follow_ups: 1 } });
    const { dataset } = sandbox;
    // A lookback reaching back into yesterday, whatever the time of day: the window starts at yesterday's midnight.
    const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const lookbackMinutes = Math.ceil((Date.now() - midnight) / 60_000) + 60;
    const config = configFor(sandbox, { env: { ETL_INCREMENTAL_LOOKBACK_MINUTES: String(lookbackMinutes) } });
    const { db } = openTestDb();
    expect((await runExtract(db, config, { runId: 1, only: ["alerts"] })).kinds[0]).toMatchObject({ mode: "full", status: "complete" });

    const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000Z`;
    const late = (createdMs: number, title: string): string => {
      const id = String(fireAlert(dataset, { title })["id"]);
      dataset.update("alerts", id, { created_at: stamp(createdMs) });
      resolveAlert(dataset, id);
      return id;
    };
    // Resolved alerts that arrived late (an alert source's own delay): only the created_at read can list them.
    const firstInstant = late(midnight - DAY_MS, "Created at the window's first instant");
    const lastInstantOfYesterday = late(midnight - 1, "Created at yesterday's last instant");
    const beforeWindow = late(midnight - DAY_MS - 1, "Created the instant before the window");

    const second = await runExtract(db, config, { runId: 2, only: ["alerts"] });
    expect(second.kinds[0]).toMatchObject({ mode: "incremental", status: "complete", since: new Date(midnight - DAY_MS).toISOString().slice(0, 10) });
    const stored = async () => new Set((await db.selectFrom("raw_records").select("record_id").where("kind", "=", ALERTS).execute()).map((row) => row.record_id));
    const afterIncremental = await stored();
    expect(afterIncremental.has(firstInstant)).toBe(true);
    expect(afterIncremental.has(lastInstantOfYesterday)).toBe(true);
    expect(afterIncremental.has(beforeWindow)).toBe(false);

    const third = await runExtract(db, config, { runId: 3, only: ["alerts"], fullRefresh: true });
    expect(third.kinds[0]).toMatchObject({ mode: "full", status: "complete" });
    expect((await stored()).has(beforeWindow)).toBe(true);
  }, 60_000);
});
