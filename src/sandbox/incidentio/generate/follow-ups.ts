import type { JsonObject } from "../json";
import { hashIndex } from "../random";
import { tagOf } from "../ids";
import type { RecordGenerator } from "./context";
import { FOLLOW_UP_OBJECTS, FOLLOW_UP_VERBS, LABELS } from "./names";
import { hasQuirk } from "./quirks";
import { teamMemberIndexes, teamRef } from "./teams";
import { userRef } from "./users";

const STATUSES = ["outstanding", "outstanding", "completed", "completed", "completed", "not_doing", "deleted"] as const;
const PROVIDERS = ["linear", "jira", "github", "shortcut", "asana"] as const;

/** Follow-ups without a priority. */
export function followUpLacksPriority(index: number): boolean {
  return index % 6 === 5;
}

/** `FollowUpV2` plus the optional `category` of `/v3/follow_ups` (the v2 list drops it). */
export const generateFollowUp: RecordGenerator = (ctx, index) => {
  const pick = hashIndex(ctx.seed, tagOf("follow_ups"), index, 50);
  const created = ctx.created("follow_ups", index);
  const updated = ctx.updated("follow_ups", index);
  const status = STATUSES[pick % STATUSES.length] ?? "outstanding";
  const teamIndex = ctx.counts.teams > 0 && index % 3 === 0 ? pick % ctx.counts.teams : undefined;
  const members = teamIndex === undefined ? [] : teamMemberIndexes(ctx, teamIndex);
  const assignee = members.length > 0 ? members[pick % members.length] : (pick >>> 3) % ctx.counts.users;
  const followUp: JsonObject = {
    id: ctx.id("follow_ups", index),
    incident_id: ctx.id("incidents", ctx.incidentOfFollowUp(index)),
    title: `${FOLLOW_UP_VERBS[pick % FOLLOW_UP_VERBS.length] ?? "Fix"} ${FOLLOW_UP_OBJECTS[(pick >>> 5) % FOLLOW_UP_OBJECTS.length] ?? "it"}`,
    status,
    labels: index % 3 === 1 ? [] : [LABELS[pick % LABELS.length] ?? "process"],
    creator: { user: userRef(ctx, (pick >>> 11) % ctx.counts.users) },
    created_at: created.text,
    updated_at: updated.text,
  };
  if (index % 2 === 0) followUp["description"] = "Agreed in the incident debrief.";
  if (status === "completed") followUp["completed_at"] = updated.text;
  if (index % 5 !== 4 && assignee !== undefined) followUp["assignee"] = userRef(ctx, assignee);
  if (teamIndex !== undefined) followUp["assignee_team"] = teamRef(ctx, teamIndex);
  if (!followUpLacksPriority(index)) followUp["priority"] = ctx.org.priorities[pick % ctx.org.priorities.length] ?? {};
  if (index % 4 !== 3) followUp["category"] = ctx.org.categories[(pick >>> 2) % ctx.org.categories.length] ?? {};
  if (index % 5 === 1) {
    const provider = PROVIDERS[pick % PROVIDERS.length] ?? "linear";
    followUp["external_issue_reference"] = { provider, issue_name: `OPS-${1000 + index}`, issue_permalink: `https://issues.example.com/${provider}/OPS-${1000 + index}` };
  }
  if (hasQuirk("follow_ups", index)) {
    followUp["external_issue_reference"] = { provider: "freshservice", issue_name: `SR-${index}`, issue_permalink: `https://example.freshservice.com/a/tickets/${index}` };
    followUp["due_date"] = "2025-12-31";
  }
  return followUp;
};
