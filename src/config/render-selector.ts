import type { ResourceMapping } from "../model/mapping";
import type { PaginationSettings } from "../model/pagination";

// The inverse of parsing a resource's selector: what discover writes into a proposed mapping file and
// what the load registers in Port as the integration's config. Pagination is written out in full
// (the effective settings each request used), keys that do not apply to its type left out.

function defined(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

function nonEmpty(key: string, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.keys(value).length === 0 ? {} : { [key]: value };
}

/** `selector.pagination` in the file's snake_case keys. */
function renderPagination(pagination: PaginationSettings): Record<string, unknown> {
  if (pagination.type === "none") return { type: "none" };
  return {
    type: pagination.type,
    page_size: pagination.pageSize,
    param: pagination.param,
    size_param: pagination.sizeParam,
    ...(pagination.type === "cursor" ? { cursor_path: pagination.cursorPath } : {}),
    ...defined("has_more_path", pagination.hasMorePath),
    ...(pagination.type === "page" ? { start_page: pagination.startPage } : {}),
  };
}

/** A resource's `selector` block as a `port-app-config.yml` writes it. */
export function renderSelector(resource: ResourceMapping): Record<string, unknown> {
  const { selector } = resource;
  const pathParameters = Object.fromEntries(
    selector.pathParameters.map((parameter) => [
      parameter.name,
      {
        endpoint: parameter.endpoint,
        ...nonEmpty("query_params", parameter.queryParams),
        ...defined("data_path", parameter.dataPath),
        field: parameter.field,
        ...defined("filter", parameter.filter),
        pagination: renderPagination(parameter.pagination),
      },
    ]),
  );
  return {
    query: selector.query,
    ...defined("data_path", selector.dataPath),
    ...nonEmpty("query_params", selector.queryParams),
    ...nonEmpty("path_parameters", pathParameters),
    pagination: renderPagination(selector.pagination),
  };
}
