/** Paging schemes of Ocean's custom integration that apply to Incident.io (`next_link`/`header_link` do not). */
export const PAGINATION_TYPES = ["cursor", "offset", "page", "none"] as const;
export type PaginationType = (typeof PAGINATION_TYPES)[number];

/** How one endpoint pages: the global settings from the environment, overridden per resource. */
export interface PaginationSettings {
  readonly type: PaginationType;
  /** Sent as `sizeParam` on every page request, including the first. */
  readonly pageSize: number;
  /** Query parameter carrying the cursor (cursor), the offset (offset) or the page number (page). */
  readonly param: string;
  readonly sizeParam: string;
  /** Dot-path (not jq) to the next cursor in a page, e.g. `pagination_meta.after`. */
  readonly cursorPath: string;
  /** Dot-path to a "more pages" flag; when set, a falsy value there ends paging. */
  readonly hasMorePath: string | undefined;
  /** First page number for `page` paging. */
  readonly startPage: number;
}
