import type { JsonObject } from "../json";
import { DATA_END_MS } from "../timeline";
import { formatTimestamp, MICROS_PER_MS } from "../timestamps";
import type { GenerationContext, RecordGenerator } from "./context";
import { TIMEZONES } from "./names";
import { hasQuirk } from "./quirks";
import { teamMemberIndexes, teamName } from "./teams";
import { userRef } from "./users";

const WEEK_MS = 7 * 86_400_000;
/** Next shifts appear only on pages of at most this many schedules (the API's own rule). */
const NEXT_SHIFTS_MAX_PAGE_SIZE = 25;
// Shifts hand over on Mondays at 09:00 UTC; this is the last handover before the data ends.
const CURRENT_SHIFT_START_MS = DATA_END_MS - ((DATA_END_MS / 86_400_000 + 3) % 7) * 86_400_000 + 9 * 3_600_000 - WEEK_MS;

/** Schedules sent without `current_shifts` at all (others have an empty list or shifts). */
export function lacksCurrentShifts(index: number): boolean {
  return index % 4 === 1;
}

function stamp(ms: number): string {
  return formatTimestamp(ms * MICROS_PER_MS, 0);
}

function rotationUsers(ctx: GenerationContext, index: number, teamIndex: number | undefined): number[] {
  const fromTeam = teamIndex === undefined ? [] : teamMemberIndexes(ctx, teamIndex);
  if (fromTeam.length >= 2) return fromTeam.slice(0, 4);
  return ctx.rng("schedules", index, 2).distinct(3, ctx.counts.users);
}

function shift(ctx: GenerationContext, scheduleIndex: number, slot: number, startMs: number, rotationId: string, layerId: string, user: number | undefined): JsonObject {
  const entry: JsonObject = {
    start_at: stamp(startMs),
    end_at: stamp(startMs + WEEK_MS),
    entry_id: ctx.id("schedule_entries", scheduleIndex * 16 + slot),
    fingerprint: ctx.id("schedule_entries", scheduleIndex * 16 + slot + 8),
    layer_id: layerId,
    rotation_id: rotationId,
  };
  if (user !== undefined) entry["user"] = userRef(ctx, user);
  return entry;
}

/** `ScheduleV2` as `/v2/schedules` lists it; `next_shifts` only when the page size allows them. */
export const generateSchedule: RecordGenerator = (ctx, index, hints) => {
  const rng = ctx.rng("schedules", index);
  const id = ctx.id("schedules", index);
  const teamIndex = ctx.counts.teams > 0 && index % 5 !== 4 ? index % ctx.counts.teams : undefined;
  const users = rotationUsers(ctx, index, teamIndex);
  const rotationId = ctx.id("schedule_rotations", index * 2);
  const layerId = ctx.id("schedule_layers", index * 2);
  const rotation: JsonObject = {
    id: rotationId,
    name: "Weekly primary",
    users: users.map((user) => userRef(ctx, user)),
    handovers: [{ interval: 1, interval_type: "weekly" }],
    handover_start_at: stamp(CURRENT_SHIFT_START_MS - 52 * WEEK_MS),
    layers: [{ id: layerId, name: "Primary" }],
    working_intervals: index % 3 === 0 ? ["monday", "tuesday", "wednesday", "thursday", "friday"].map((weekday) => ({ weekday, start_time: "09:00", end_time: "17:00" })) : [],
  };
  if (index % 2 === 1) rotation["effective_from"] = stamp(CURRENT_SHIFT_START_MS - 26 * WEEK_MS);
  if (index % 4 === 0) rotation["scheduling_mode"] = "fair";
  const schedule: JsonObject = {
    id,
    name: `${teamIndex === undefined ? "Escalation" : teamName(ctx, teamIndex)} on-call${index >= ctx.counts.teams ? ` ${index + 1}` : ""}`,
    timezone: rng.pick(TIMEZONES),
    team_ids: teamIndex === undefined ? [] : [ctx.id("teams", teamIndex)],
    permalink: `https://app.incident.io/${ctx.org.slug}/on-call/schedules/${id}`,
    annotations: index % 3 === 1 ? { "incident.io/terraform/version": "5.4.0" } : {},
    config: { rotations: [rotation] },
    created_at: ctx.created("schedules", index).text,
    updated_at: ctx.updated("schedules", index).text,
  };
  // Tricky shapes the mapping must survive: no current_shifts at all, an empty list, a shift without a user.
  if (!lacksCurrentShifts(index)) {
    const onCall = users[index % Math.max(users.length, 1)];
    schedule["current_shifts"] = index % 4 === 2 ? [] : [shift(ctx, index, 0, CURRENT_SHIFT_START_MS, rotationId, layerId, index % 8 === 3 ? undefined : onCall)];
    if ((hints.pageSize ?? NEXT_SHIFTS_MAX_PAGE_SIZE) <= NEXT_SHIFTS_MAX_PAGE_SIZE) {
      schedule["next_shifts"] = [shift(ctx, index, 1, CURRENT_SHIFT_START_MS + WEEK_MS, rotationId, layerId, users[(index + 1) % Math.max(users.length, 1)])];
    }
  }
  if (index % 6 === 0) schedule["holidays_public_config"] = { country_codes: ["GB", "US"] };
  if (hasQuirk("schedules", index)) {
    rotation["handovers"] = [{ interval: 1, interval_type: "monthly" }];
    schedule["overrides_count"] = 2;
  }
  return schedule;
};
