import type { ResourceMapping } from "../model/mapping";
import type { AppliedOutcome, WebhookResource } from "../model/webhook";

/**
 * The list paths a mapping may read each webhook resource from, preferred first: follow-ups are read
 * from `/v3/follow_ups`, or the deprecated `/v2/follow_ups` by a mapping written for it.
 */
const LIST_PATHS: { readonly [R in WebhookResource]: readonly string[] } = {
  incident: ["/v2/incidents"],
  alert: ["/v2/alerts"],
  schedule: ["/v2/schedules"],
  follow_up: ["/v3/follow_ups", "/v2/follow_ups"],
};

function pathOf(kind: string): string {
  const at = kind.indexOf("?");
  return (at === -1 ? kind : kind.slice(0, at)).replace(/\/+$/, "");
}

/**
 * The resource of the mapping whose kind reads records of `resource` (its list, without path
 * parameters), or undefined when none does: such records are not mapped. Pure.
 */
export function findMappedResource(resource: WebhookResource, resources: readonly ResourceMapping[]): ResourceMapping | undefined {
  for (const path of LIST_PATHS[resource]) {
    const found = resources.find((candidate) => pathOf(candidate.kind) === path && candidate.selector.pathParameters.length === 0);
    if (found) return found;
  }
  return undefined;
}

/** What reading a record by ID came to (see RecordReadOutcome in src/extract/records-by-id.ts). */
type ReadState = "staged" | "unlisted" | "gone" | "failed";

/**
 * A record's outcome from what its read and its load came to: a failed read or load is tried again
 * (nothing is lost: its events stay pending); a record the API confirmed gone is deleted; any other
 * (staged, or not listed by a full read and so left as it was) is applied. Pure.
 */
export function decideAppliedOutcome(read: { readonly state: ReadState; readonly error?: string }, load: { readonly writes: number } | { readonly error: string } | undefined): AppliedOutcome {
  if (read.state === "failed") return { state: "retry", error: read.error ?? "the record could not be read" };
  if (load === undefined) return { state: "retry", error: "the record was not loaded" };
  if ("error" in load) return { state: "retry", error: load.error };
  return read.state === "gone" ? { state: "deleted", writes: load.writes } : { state: "applied", writes: load.writes };
}
