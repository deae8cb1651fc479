import type { JsonObject } from "../json";
import type { GenerationContext, RecordGenerator } from "./context";
import { TEAM_NAMES } from "./names";
import { hasQuirk } from "./quirks";
import { userV3Ref } from "./users";

/** The name of team `index`, mutations included. */
export function teamName(ctx: GenerationContext, index: number): string {
  const patched = ctx.patch("teams", index)?.["name"];
  if (typeof patched === "string") return patched;
  const round = Math.floor(index / TEAM_NAMES.length);
  return `${TEAM_NAMES[index % TEAM_NAMES.length] ?? "Team"}${round > 0 ? ` ${round + 1}` : ""}`;
}

/** Users of team `index`: every user whose index is congruent to the team's, up to a per-team size. */
export function teamMemberIndexes(ctx: GenerationContext, index: number): number[] {
  const teams = ctx.counts.teams;
  const users = ctx.counts.users;
  if (index % 7 === 6 || teams === 0) return [];
  const size = 2 + (index % 5);
  const members: number[] = [];
  for (let user = index % teams; user < users && members.length < size; user += teams) members.push(user);
  return members;
}

/** `TeamV3` as `/v3/teams` lists it. */
export const generateTeam: RecordGenerator = (ctx, index) => {
  const name = teamName(ctx, index);
  const catalogEntry: JsonObject = { id: ctx.id("team_catalog_entries", index), name };
  if (index % 4 !== 3) catalogEntry["external_id"] = name.toLowerCase().replace(/\s+/g, "-");
  const team: JsonObject = {
    id: ctx.id("teams", index),
    name,
    catalog_entry: catalogEntry,
    members: teamMemberIndexes(ctx, index).map((user) => userV3Ref(ctx, user)),
  };
  if (hasQuirk("teams", index)) team["slack_channel_id"] = `C0${String(index).padStart(8, "0")}`;
  return team;
};

/** Team `index` as follow-ups embed it (`TeamSlimV2`). */
export function teamRef(ctx: GenerationContext, index: number): JsonObject {
  return { id: ctx.id("teams", index), name: teamName(ctx, index) };
}
