/** A kind or parent endpoint split into its path and the query parameters written into it. */
export interface EndpointTemplate {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Splits `/v3/catalog_entries?catalog_type_id={catalog_type_id}` into its path and query. */
export function parseEndpoint(endpoint: string): EndpointTemplate {
  const at = endpoint.indexOf("?");
  if (at === -1) return { path: endpoint, query: {} };
  return { path: endpoint.slice(0, at), query: Object.fromEntries(new URLSearchParams(endpoint.slice(at + 1))) };
}

/**
 * Replaces each `{name}` in `template` with `values[name]`, encoded by `encode`. Throws when a
 * placeholder has no value (configuration validation rejects such mappings first).
 */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>, encode: (value: string) => string = (v) => v): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${whole} has no path parameter to fill it`);
    return encode(value);
  });
}

/** The request of one page: the filled path (for errors and extract_status) and the full URL. */
export interface PageTarget {
  readonly path: string;
  readonly url: string;
}

/**
 * Builds the URL of a page: `baseUrl` + the path (a base path such as `/api` is kept, as in Ocean),
 * with `{name}` placeholders filled in the path (URL-encoded), in the endpoint's own query and in
 * `queryParams` values, followed by the paging parameters. Later parameters win over earlier ones.
 */
export function buildPageTarget(
  baseUrl: string,
  endpoint: EndpointTemplate,
  queryParams: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
  paging: Readonly<Record<string, string>>,
): PageTarget {
  const path = fillPlaceholders(endpoint.path, values, encodeURIComponent);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...endpoint.query, ...queryParams })) search.set(key, fillPlaceholders(value, values));
  for (const [key, value] of Object.entries(paging)) search.set(key, value);
  const query = search.toString();
  return { path, url: `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}${query === "" ? "" : `?${query}`}` };
}
