// The pure parts of the baselines: what Ocean would send, the per-record jq program, and the simulated budget.
import type { EntityMappings } from "../src/model/mapping";
import type { OceanResyncRequests, OceanSyncFigures } from "./result";

// reference/port-ocean.md §3.4: bulk upserts carry at most 20 entities; §3.3: the read-back searches 50 identifiers at a time.
const OCEAN_UPSERT_BATCH = 20;
const OCEAN_SEARCH_CHUNK = 50;

/**
 * The Port requests of a full re-upload as Ocean's resync makes it: every entity upserted in bulks of
 * 20 and read back in searches of 50, each per blueprint (Ocean groups both by blueprint).
 */
export function countOceanResyncRequests(entitiesByBlueprint: Readonly<Record<string, number>>): OceanResyncRequests {
  let upserts = 0;
  let searches = 0;
  for (const count of Object.values(entitiesByBlueprint)) {
    upserts += Math.ceil(count / OCEAN_UPSERT_BATCH);
    searches += Math.ceil(count / OCEAN_SEARCH_CHUNK);
  }
  return { upserts, searches, total: upserts + searches };
}

/** Up to `total` items taken from the groups in turn, so that small groups give all they have and large ones the rest. */
export function spreadSample<T>(groups: readonly (readonly T[])[], total: number): T[] {
  const sample: T[] = [];
  const longest = Math.max(0, ...groups.map((group) => group.length));
  for (let position = 0; position < longest && sample.length < total; position += 1) {
    for (const group of groups) {
      const item = group[position];
      if (item !== undefined && sample.length < total) sample.push(item);
    }
  }
  return sample;
}

function firstOf(expression: string): string {
  // Ocean keeps the first output of each expression.
  return `([${expression}] | .[0])`;
}

function objectOf(fields: Readonly<Record<string, string>>): string {
  return `{${Object.entries(fields)
    .map(([name, expression]) => `${JSON.stringify(name)}: ${firstOf(expression)}`)
    .join(", ")}}`;
}

/**
 * One jq program that maps one record to its entity (or null when the selector does not keep it):
 * the per-record way, which needs one jq process for every record.
 */
export function buildRecordFilter(selector: string, mappings: EntityMappings): string {
  const fields: Record<string, string> = { identifier: mappings.identifier, blueprint: mappings.blueprint };
  if (mappings.title !== undefined) fields["title"] = mappings.title;
  if (mappings.icon !== undefined) fields["icon"] = mappings.icon;
  if (mappings.team !== undefined) fields["team"] = mappings.team;
  const scalars = Object.entries(fields).map(([name, expression]) => `${JSON.stringify(name)}: ${firstOf(expression)}`);
  const entity = `{${[...scalars, `"properties": ${objectOf(mappings.properties)}`, `"relations": ${objectOf(mappings.relations)}`].join(", ")}}`;
  return `if ${firstOf(selector)} == true then ${entity} else null end`;
}

/** Incident.io's documented budget per API key. */
export const INCIDENT_IO_REQUESTS_PER_MINUTE = 1200;
// The simulated budget is this share of the rate the product reached with no budget, so that the
// budget, not the product, sets the pace.
const BUDGET_SHARE_OF_FREE_RATE = 0.25;
const MIN_TIME_SCALE = 0.05;
const MAX_TIME_SCALE = 60;

/**
 * How much faster than real time the simulated Incident.io clock runs: a budget of 1,200 requests a
 * simulated minute comes out at a quarter of `freeRequestsPerSecond`. In hundredths, so that
 * 1,200 × timeScale is a whole number of requests a real minute.
 */
export function chooseTimeScale(freeRequestsPerSecond: number): number {
  const wanted = (freeRequestsPerSecond * BUDGET_SHARE_OF_FREE_RATE * 60) / INCIDENT_IO_REQUESTS_PER_MINUTE;
  return Math.min(MAX_TIME_SCALE, Math.max(MIN_TIME_SCALE, Math.floor(wanted * 100) / 100));
}

/** Incident.io's budget on a clock `timeScale` times faster, in requests a real minute. */
export function scaledRequestsPerMinute(timeScale: number): number {
  return Math.round(INCIDENT_IO_REQUESTS_PER_MINUTE * timeScale);
}

/** The least time `requests` can take within `requestsPerMinute` (the brief's "requests ÷ budget"). */
export function minimumSecondsFor(requests: number, requestsPerMinute: number): number {
  return (requests / requestsPerMinute) * 60;
}

/** `requests` as a share of Incident.io's budget for an hour (72,000 requests). */
export function shareOfHourBudget(requests: number): number {
  return requests / (INCIDENT_IO_REQUESTS_PER_MINUTE * 60);
}

/**
 * What Ocean does in every phase of a sync, whatever changed: each resync reads every kind in full
 * (`fullReadRequests`, as our cold run's extract made them) and re-uploads every entity, reading
 * each back (countOceanResyncRequests).
 */
export function computeOceanSyncFigures(fullReadRequests: number, entitiesByBlueprint: Readonly<Record<string, number>>): OceanSyncFigures {
  const resync = countOceanResyncRequests(entitiesByBlueprint);
  return {
    incidentIoRequests: fullReadRequests,
    hourBudgetShare: shareOfHourBudget(fullReadRequests),
    budgetMinimumSeconds: minimumSecondsFor(fullReadRequests, INCIDENT_IO_REQUESTS_PER_MINUTE),
    portRequests: resync.total,
    entityWrites: Object.values(entitiesByBlueprint).reduce((sum, count) => sum + count, 0),
  };
}
