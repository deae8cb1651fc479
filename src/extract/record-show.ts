import type { ResourceMapping } from "../model/mapping";
import { parseEndpoint } from "./endpoints";

/**
 * How one record of a list is read by its ID, and whether the list a full read pages would return it.
 * The spec's Show operations answer `{<envelope>: record}` and 404 for a record that does not exist,
 * and they find records their lists hide by default (`Incidents V2#Show` answers test incidents).
 */
export type ShowRead =
  /** `GET <path>/{id}` answers the record in the shape the list holds it. */
  | { readonly type: "show"; readonly path: string; readonly envelope: string }
  /**
   * Follow-ups: `/v3/follow_ups` has no Show. The record is found in `/v3/follow_ups?incident_id=…`,
   * read with the mapping's own query parameters, so it is staged in the shape, and under the
   * filters, of a full read. Its incident is the one its staged record names; for a follow-up never
   * staged, `GET /v2/follow_ups/{id}` (Follow-ups V2#Show, deprecated, v2 shape) names it.
   */
  | { readonly type: "follow-up"; readonly showPath: string; readonly envelope: string };

/** Where to read a record of `kind` (a mapping kind) by ID, or undefined when the API has no way to. Pure. */
export function describeShowRead(kind: string): ShowRead | undefined {
  const { path } = parseEndpoint(kind);
  switch (path.replace(/\/+$/, "")) {
    case "/v2/incidents":
      return { type: "show", path: "/v2/incidents", envelope: "incident" };
    case "/v2/alerts":
      return { type: "show", path: "/v2/alerts", envelope: "alert" };
    case "/v2/schedules":
      return { type: "show", path: "/v2/schedules", envelope: "schedule" };
    // The v2 list holds follow-ups in the v2 shape, which Show answers.
    case "/v2/follow_ups":
      return { type: "show", path: "/v2/follow_ups", envelope: "follow_up" };
    case "/v3/follow_ups":
      return { type: "follow-up", showPath: "/v2/follow_ups", envelope: "follow_up" };
    default:
      return undefined;
  }
}

/** The path of one record's Show. */
export function showPathOf(path: string, id: string): string {
  return `${path}/${encodeURIComponent(id)}`;
}

/** The record of a Show answer (`{<envelope>: {...}}`); throws naming the path when there is none. */
export function readShownRecord(page: unknown, envelope: string, path: string): Record<string, unknown> {
  const record = page !== null && typeof page === "object" ? (page as Record<string, unknown>)[envelope] : undefined;
  if (record === null || typeof record !== "object" || Array.isArray(record)) throw new Error(`GET ${path}: the answer has no "${envelope}" object`);
  return record as Record<string, unknown>;
}

/** What `/v2/incidents` lists without `mode[one_of]`: test and tutorial incidents are hidden. */
const DEFAULT_INCIDENT_MODES: readonly string[] = ["standard", "retrospective"];

function listOf(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const values = value.split(",").filter((part) => part !== "");
  return values.length === 0 ? undefined : values;
}

/**
 * Whether the list a full read of `resource` pages (its query parameters applied) would return
 * `record`, as far as its filters that a record's own fields decide go: incidents' `mode[one_of]`
 * (standard and retrospective by default) and alerts' `status[one_of]`/`status[not_in]`. A record
 * the list would not return must not be staged, or the next full read would delete it again. Pure.
 */
export function isListedByFullRead(resource: Pick<ResourceMapping, "kind" | "selector">, record: Readonly<Record<string, unknown>>): boolean {
  const { path, query } = parseEndpoint(resource.kind);
  const params: Readonly<Record<string, string>> = { ...query, ...resource.selector.queryParams };
  switch (path.replace(/\/+$/, "")) {
    case "/v2/incidents": {
      const modes = listOf(params["mode[one_of]"]) ?? DEFAULT_INCIDENT_MODES;
      return typeof record["mode"] !== "string" || modes.includes(record["mode"]);
    }
    case "/v2/alerts": {
      const status = record["status"];
      const oneOf = listOf(params["status[one_of]"]);
      const notIn = listOf(params["status[not_in]"]);
      if (typeof status !== "string") return oneOf === undefined;
      return (oneOf === undefined || oneOf.includes(status)) && (notIn === undefined || !notIn.includes(status));
    }
    default:
      return true;
  }
}
