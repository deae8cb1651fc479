import type { PaginationSettings, PaginationType } from "../model/pagination";

/** A per-resource `selector.pagination` block, as written in the mapping (snake_case, all optional). */
export interface PaginationOverride {
  readonly type?: PaginationType | undefined;
  readonly page_size?: number | undefined;
  readonly param?: string | undefined;
  readonly size_param?: string | undefined;
  readonly cursor_path?: string | undefined;
  readonly has_more_path?: string | undefined;
  readonly start_page?: number | undefined;
}

// Ocean's defaults for the parameter names of each paging type (port-ocean.md §1.1).
const DEFAULT_PARAMS: Record<PaginationType, { param: string; sizeParam: string }> = {
  cursor: { param: "cursor", sizeParam: "limit" },
  offset: { param: "offset", sizeParam: "limit" },
  page: { param: "page", sizeParam: "size" },
  none: { param: "", sizeParam: "" },
};

/**
 * Applies a resource's override to the global settings. A field the override leaves out is inherited,
 * except the parameter names when the override switches to another paging type: those fall back to
 * that type's defaults, since the global names belong to the global type.
 */
export function resolvePagination(global: PaginationSettings, override: PaginationOverride | undefined): PaginationSettings {
  if (!override) return global;
  const type = override.type ?? global.type;
  const sameType = type === global.type;
  return {
    type,
    pageSize: override.page_size ?? global.pageSize,
    param: override.param ?? (sameType ? global.param : DEFAULT_PARAMS[type].param),
    sizeParam: override.size_param ?? (sameType ? global.sizeParam : DEFAULT_PARAMS[type].sizeParam),
    cursorPath: override.cursor_path ?? global.cursorPath,
    hasMorePath: override.has_more_path ?? (sameType ? global.hasMorePath : undefined),
    startPage: override.start_page ?? global.startPage,
  };
}

/** The default parameter names of a paging type, for settings that give only the type. */
export function defaultParams(type: PaginationType): { param: string; sizeParam: string } {
  return DEFAULT_PARAMS[type];
}
