// The changes the webhook phase and the crash test make in Incident.io, each of which the sandbox
// posts as signed events: a seeded plan (pure), carried out as the sandbox's live changes.
import type { IncidentIoDataset } from "../src/sandbox/incidentio/dataset";
import type { IncidentIoKind } from "../src/sandbox/incidentio/kinds";
import { makeLiveChange, type LiveChange } from "../src/sandbox/incidentio/live-changes";
import { Rng } from "../src/sandbox/incidentio/random";

/**
 * The changes, with their share of a stream: the events issue 15 names, weighted towards incidents
 * (a status change posts `incident_updated_v2` and `incident_status_updated_v2`; every other change
 * posts one event).
 */
const STREAM_MIX = [
  { change: "incident-status", weight: 18 },
  { change: "incident-rename", weight: 18 },
  { change: "incident-create", weight: 3 },
  { change: "alert-fire", weight: 15 },
  { change: "alert-resolve", weight: 15 },
  { change: "follow-up-create", weight: 5 },
  { change: "follow-up-update", weight: 15 },
  { change: "schedule-create", weight: 3 },
  { change: "schedule-update", weight: 6 },
  { change: "schedule-delete", weight: 2 },
] as const satisfies readonly { change: LiveChange["type"]; weight: number }[];
export type StreamChange = (typeof STREAM_MIX)[number]["change"];

/** One planned change: `pick` in [0, 1) chooses the record among those it can apply to. */
export interface PlannedChange {
  readonly change: StreamChange;
  readonly pick: number;
}

const TOTAL_WEIGHT = STREAM_MIX.reduce((sum, item) => sum + item.weight, 0);

/** `count` changes drawn from the mix by `seed`; the same seed plans the same stream. */
export function planStream(count: number, seed: number): PlannedChange[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    let draw = rng.next() * TOTAL_WEIGHT;
    const item = STREAM_MIX.find((candidate) => (draw -= candidate.weight) < 0) ?? STREAM_MIX[0];
    return { change: item.change, pick: rng.next() };
  });
}

// The statuses a live incident moves between, and Closed: the organisation's others (Declined,
// Canceled, Merged, ...) take an incident out of its lists, which a stream of updates does not do.
const STATUS_CYCLE = ["Investigating", "Fixing", "Monitoring", "Closed"];
// A schedule is deleted only while more than this many are left, so updates always have one to pick.
const MIN_SCHEDULES = 2;

/** The record a change touched. */
export interface ChangedRecord {
  readonly kind: IncidentIoKind;
  readonly id: string;
}

function listIds(dataset: IncidentIoDataset, kind: IncidentIoKind, options: { statusNotIn?: string[] } = {}): string[] {
  return [...dataset.records(kind, options)].map((record) => String(record["id"]));
}

/** The ID `pick` chooses, taken out of `ids` when `take`. */
function pickFrom(ids: string[], pick: number, take = false): string | undefined {
  if (ids.length === 0) return undefined;
  const at = Math.min(ids.length - 1, Math.floor(pick * ids.length));
  return take ? ids.splice(at, 1)[0] : ids[at];
}

/**
 * Carries out planned changes on `dataset` with the sandbox's live changes, choosing each record by
 * its `pick` among the records the lists serve. The lists are read once and kept up to date as changes
 * add, resolve and delete, so one change costs no list read, even over thousands of alerts. Returns
 * undefined for a change with nothing to apply to (no firing alert left to resolve).
 */
export function createStreamChanger(dataset: IncidentIoDataset): (planned: PlannedChange, serial: number) => ChangedRecord | undefined {
  const incidents = listIds(dataset, "incidents");
  const firing = listIds(dataset, "alerts", { statusNotIn: ["resolved"] });
  const followUps = listIds(dataset, "follow_ups");
  const schedules = listIds(dataset, "schedules");
  const statusOf = new Map<string, number>();

  const toLiveChange = (planned: PlannedChange): LiveChange | undefined => {
    const { change, pick } = planned;
    switch (change) {
      case "incident-status": {
        const id = pickFrom(incidents, pick);
        if (id === undefined) return undefined;
        const next = ((statusOf.get(id) ?? -1) + 1) % STATUS_CYCLE.length;
        statusOf.set(id, next);
        return { type: change, id, status: STATUS_CYCLE[next] as string };
      }
      case "incident-rename": {
        const id = pickFrom(incidents, pick);
        return id === undefined ? undefined : { type: change, id };
      }
      case "alert-resolve": {
        const id = pickFrom(firing, pick, true);
        return id === undefined ? undefined : { type: change, id };
      }
      case "follow-up-create": {
        const incidentId = pickFrom(incidents, pick);
        return incidentId === undefined ? undefined : { type: change, incidentId };
      }
      case "follow-up-update": {
        const id = pickFrom(followUps, pick);
        return id === undefined ? undefined : { type: change, id };
      }
      case "schedule-update": {
        const id = pickFrom(schedules, pick);
        return id === undefined ? undefined : { type: change, id };
      }
      case "schedule-delete": {
        const id = schedules.length > MIN_SCHEDULES ? pickFrom(schedules, pick, true) : undefined;
        return id === undefined ? undefined : { type: change, id };
      }
      default:
        return { type: change };
    }
  };

  const created: Partial<Record<StreamChange, string[]>> = { "incident-create": incidents, "alert-fire": firing, "follow-up-create": followUps, "schedule-create": schedules };
  return (planned, serial) => {
    const change = toLiveChange(planned);
    if (!change) return undefined;
    const { kind, id } = makeLiveChange(dataset, change, serial);
    created[planned.change]?.push(id);
    return { kind, id };
  };
}
