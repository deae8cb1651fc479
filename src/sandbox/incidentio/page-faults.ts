import type { JsonObject, JsonValue } from "./json";

/**
 * Ways one list's paging misbehaves, set per path (`"/v2/users"`) on a running sandbox. Each keeps
 * the page's records as the list would serve them and changes what the page says comes next, or
 * what else it holds; they reproduce an API that would otherwise make a short read look complete.
 */
export type PageFault =
  /** Every page after the first names, as `after`, the cursor it was requested with. */
  | { readonly type: "repeat-cursor" }
  /** The third page names the first page's cursor again: A → B → A. */
  | { readonly type: "cursor-cycle" }
  /** Every page is the first page's records with a cursor never handed out before: paging never ends. */
  | { readonly type: "endless-cursors" }
  /** The first page also holds these items (null, ones without an id, ...), after its records. */
  | { readonly type: "extra-items"; readonly items: readonly JsonValue[] };

/** What a fault remembers between the pages of its list. */
export interface PageFaultState {
  /** Cursors handed out so far, in order. */
  readonly handed: string[];
}

/** The query to serve a page from under `fault`: an endless list serves its first page's records whatever the cursor. */
export function pageFaultQuery<Q extends Record<string, unknown>>(fault: PageFault, query: Q): Q {
  if (fault.type !== "endless-cursors") return query;
  const { after: _after, ...rest } = query;
  return rest as Q;
}

function readAfter(body: JsonObject): string | undefined {
  const meta = body["pagination_meta"];
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return undefined;
  const after = meta["after"];
  return typeof after === "string" ? after : undefined;
}

function withAfter(body: JsonObject, after: string): JsonObject {
  const meta = body["pagination_meta"];
  const base = meta !== null && typeof meta === "object" && !Array.isArray(meta) ? meta : {};
  return { ...body, pagination_meta: { ...base, after } };
}

/**
 * The page `body` (answered for a request with cursor `requested`, undefined for the first page) as
 * `fault` changes it. Records the cursors handed out in `state`. Pure but for `state`.
 */
export function applyPageFault(fault: PageFault, state: PageFaultState, requested: string | undefined, body: JsonObject): JsonObject {
  let answer = body;
  switch (fault.type) {
    case "repeat-cursor":
      if (requested !== undefined) answer = withAfter(body, requested);
      break;
    case "cursor-cycle": {
      const [first, second] = state.handed;
      if (first !== undefined && requested === second) answer = withAfter(body, first);
      break;
    }
    case "endless-cursors":
      answer = withAfter(body, `endless-${state.handed.length + 1}`);
      break;
    case "extra-items": {
      if (requested !== undefined) break;
      const key = Object.keys(body).find((name) => Array.isArray(body[name]));
      if (key !== undefined) answer = { ...body, [key]: [...(body[key] as JsonValue[]), ...fault.items] };
      break;
    }
  }
  const after = readAfter(answer);
  if (after !== undefined) state.handed.push(after);
  return answer;
}
