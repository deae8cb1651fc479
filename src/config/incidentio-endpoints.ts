/**
 * What the real Incident.io API does per list endpoint (reference: shared/reference/incidentio-api.md §2.7),
 * used to reject mappings that the real API would answer with errors or silently truncate.
 */
interface EndpointFacts {
  readonly paginated: boolean;
  /** Largest `page_size` the endpoint accepts. */
  readonly maxPageSize?: number;
  /** Query parameters the endpoint refuses to answer without. */
  readonly requiredParams?: readonly string[];
}

const INCIDENTIO_ENDPOINTS: Readonly<Record<string, EndpointFacts>> = {
  "/v2/users": { paginated: true, maxPageSize: 10_000 },
  "/v2/alert_sources": { paginated: false },
  "/v2/schedules": { paginated: true, maxPageSize: 10_000 },
  "/v2/alerts": { paginated: true, maxPageSize: 50, requiredParams: ["page_size"] },
  "/v2/incidents": { paginated: true, maxPageSize: 250 },
  "/v3/catalog_types": { paginated: false },
  "/v3/catalog_entries": { paginated: true, maxPageSize: 250, requiredParams: ["catalog_type_id", "page_size"] },
  "/v1/severities": { paginated: false },
  "/v3/teams": { paginated: true, maxPageSize: 250 },
  "/v2/follow_ups": { paginated: false },
  "/v3/follow_ups": { paginated: true, maxPageSize: 250 },
};

/** The path of a kind without its query string: `/v3/catalog_entries?catalog_type_id={x}` → `/v3/catalog_entries`. */
export function kindPath(kind: string): string {
  const at = kind.indexOf("?");
  return at === -1 ? kind : kind.slice(0, at);
}

/** Query parameters written into the kind itself (`?catalog_type_id={catalog_type_id}`). */
export function kindQuery(kind: string): Record<string, string> {
  const at = kind.indexOf("?");
  if (at === -1) return {};
  return Object.fromEntries(new URLSearchParams(kind.slice(at + 1)));
}

/**
 * Problems with a kind that the real API would turn into failures, each naming the fix. `pageSize` is the
 * effective size (undefined when the resource is not paginated); `params` are all query parameters sent.
 */
export function checkEndpoint(kind: string, pageSize: number | undefined, params: readonly string[]): string[] {
  const path = kindPath(kind);
  if (/^\/v3\/catalog_types\/[^/]+\/entries\/?$/.test(path)) {
    return [
      `${path} does not exist in the Incident.io API (Port's page is wrong here): use kind "/v3/catalog_entries?catalog_type_id={catalog_type_id}" ` +
        "with the same path_parameters and selector.pagination.page_size of at most 250",
    ];
  }
  const facts = INCIDENTIO_ENDPOINTS[path];
  if (!facts) return [];
  const problems: string[] = [];
  const sent = new Set(params);
  if (pageSize !== undefined) sent.add("page_size");
  for (const param of facts.requiredParams ?? []) {
    if (!sent.has(param)) {
      problems.push(
        param === "page_size"
          ? `${path} requires page_size: set selector.pagination (type cursor, page_size at most ${facts.maxPageSize})`
          : `${path} requires the query parameter ${param}: add it to the kind or selector.query_params`,
      );
    }
  }
  if (facts.paginated && facts.maxPageSize !== undefined && pageSize !== undefined && pageSize > facts.maxPageSize) {
    problems.push(
      `${path} accepts at most ${facts.maxPageSize} records a page, but the page size is ${pageSize}: set selector.pagination.page_size: ${facts.maxPageSize}`,
    );
  }
  return problems;
}

/** Warnings for endpoints that work today but are on their way out. */
export function endpointWarnings(kind: string): string[] {
  return kindPath(kind) === "/v2/follow_ups"
    ? ["/v2/follow_ups is deprecated and will be removed on 31 December 2026; use /v3/follow_ups (paginated, page_size up to 250)"]
    : [];
}
