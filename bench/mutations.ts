import type { JsonObject } from "../src/sandbox/incidentio/json";
import type { IncidentIoKind } from "../src/sandbox/incidentio/kinds";

/**
 * Kinds the change phases mutate, one mapped field each. Every change is to a field no other record
 * embeds, so one changed record is exactly one changed entity: a renamed user, team, catalog entry or
 * severity would also change the incidents, schedules and catalog entries that embed its name.
 */
export const MUTABLE_KINDS = ["users", "alert_sources", "schedules", "alerts", "incidents", "catalog_types", "catalog_entries", "teams", "follow_ups"] as const;
export type MutableKind = (typeof MUTABLE_KINDS)[number];

/** How many of `count` records a change of `fraction` touches. */
export function countMutations(count: number, fraction: number): number {
  return Math.min(count, Math.round(count * fraction));
}

/** `wanted` positions spread evenly over 0..count-1, ascending and distinct. */
export function pickPositions(count: number, wanted: number): number[] {
  const taken = Math.max(0, Math.min(count, wanted));
  return Array.from({ length: taken }, (_, k) => Math.floor((k * count) / taken));
}

function isMutableKind(kind: IncidentIoKind): kind is MutableKind {
  return (MUTABLE_KINDS as readonly string[]).includes(kind);
}

function suffixed(value: unknown, serial: number): string {
  return `${typeof value === "string" ? value : ""} [bench ${serial}]`;
}

/**
 * How `fraction` of an organization's alerts change between two runs: `fraction` of the open ones
 * resolve, and new ones arrive for the rest, `fraction` of all alerts in all. That is how alerts
 * change: a resolved alert is final, and the API cannot list resolved alerts edited since a time, so
 * an incremental read leaves such rare edits to the periodic full read.
 */
export function splitAlertChanges(alerts: number, open: number, fraction: number): { readonly resolve: number; readonly arrive: number } {
  const total = countMutations(alerts, fraction);
  const resolve = Math.min(total, countMutations(open, fraction));
  return { resolve, arrive: total - resolve };
}

/**
 * The fields to merge into `record` so that its entity changes; an alert resolves at `now` (an
 * ISO-8601 instant). `spareMember` is the user a team without members gains (its mapped fields are
 * its member count and member IDs). Throws RangeError for a kind whose changes would spread to
 * other records.
 */
export function buildMutation(kind: IncidentIoKind, record: JsonObject, serial: number, spareMember: JsonObject, now: string): JsonObject {
  if (!isMutableKind(kind)) throw new RangeError(`${kind} is not mutated by the benchmark`);
  switch (kind) {
    case "users":
      return { is_active: record["is_active"] !== true };
    case "alerts":
      return { status: "resolved", resolved_at: now };
    case "follow_ups":
      return { title: suffixed(record["title"], serial) };
    case "catalog_entries":
      return { aliases: [...(Array.isArray(record["aliases"]) ? record["aliases"] : []), `bench-${serial}`] };
    case "teams": {
      const members = Array.isArray(record["members"]) ? record["members"] : [];
      return { members: members.length > 0 ? members.slice(0, -1) : [spareMember] };
    }
    default:
      return { name: suffixed(record["name"], serial) };
  }
}
