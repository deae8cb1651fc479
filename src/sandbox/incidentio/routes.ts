import type { IncidentIoDataset } from "./dataset";
import { forbiddenBody, notFoundBody, validationBody } from "./error-bodies";
import { isValidationIssue, parseListOptions, type FilterSupport, type ListOptions, type Query } from "./filters";
import type { JsonObject } from "./json";
import type { IncidentIoKind } from "./kinds";
import { parsePageSize, singleValue, type PageSizeRule, type ValidationIssue } from "./paging";

/** What a route answers: a status and a JSON body. */
export interface RouteResult {
  readonly status: number;
  readonly body: JsonObject;
}

export interface RouteRequest {
  readonly dataset: IncidentIoDataset;
  readonly query: Query;
  /** Path segments captured by the route's pattern, e.g. the `{id}` of `/v3/catalog_types/{id}`. */
  readonly params: readonly string[];
}

export interface Route {
  /** The path as the spec names it, e.g. `/v3/catalog_types/{id}`. */
  readonly template: string;
  readonly pattern: RegExp;
  /** The API key scope the real endpoint requires (`x-rbac-scopes`); none for `/v1/identity`. */
  readonly scope?: string;
  handle(request: RouteRequest): RouteResult;
}

/** Every scope a sandbox key holds unless told otherwise. */
export const ALL_SCOPES = [
  "users.view",
  "alert_sources.view",
  "schedules.view",
  "alerts.view",
  "incidents.view",
  "catalog_types.view",
  "catalog_entries.view",
  "severities.view",
  "actions.view",
] as const;

interface PagedList {
  readonly kind: IncidentIoKind;
  readonly envelope: string;
  readonly paging: PageSizeRule;
  /** Adds `total_record_count` to `pagination_meta`. */
  readonly withTotal: boolean;
  readonly filters: FilterSupport;
}

function ok(body: JsonObject): RouteResult {
  return { status: 200, body };
}

function invalid(issues: readonly ValidationIssue[]): RouteResult {
  return { status: 422, body: validationBody(issues) };
}

/** Validates `after`: the real API documents it as a record's ID, so anything else is refused rather than guessed at. */
function readAfter(dataset: IncidentIoDataset, kind: IncidentIoKind, query: Query): string | undefined | ValidationIssue {
  const after = singleValue(query["after"]);
  if (after === undefined || after === "") return undefined;
  if (dataset.indexOf(kind, after) === undefined) return { field: "after", code: "invalid_value", message: `after must be the ID of a record in this list, got ${JSON.stringify(after)}` };
  return after;
}

function servePage(request: RouteRequest, list: PagedList, extra: { options?: ListOptions; body?: JsonObject; issues?: ValidationIssue[] } = {}): RouteResult {
  const { dataset, query } = request;
  const issues = [...(extra.issues ?? [])];
  const pageSize = parsePageSize(query["page_size"], list.paging);
  if (typeof pageSize !== "number") issues.push(pageSize);
  const options = parseListOptions(list.kind, query, list.filters);
  if (isValidationIssue(options)) issues.push(options);
  const after = readAfter(dataset, list.kind, query);
  if (typeof after === "object") issues.push(after);
  if (issues.length > 0 || typeof pageSize !== "number" || isValidationIssue(options) || typeof after === "object") return invalid(issues);
  const page = dataset.page(list.kind, { options: { ...options, ...extra.options }, pageSize, withTotal: list.withTotal, ...(after === undefined ? {} : { after }) });
  const meta: JsonObject = { page_size: pageSize };
  if (page.after !== undefined) meta["after"] = page.after;
  if (page.total !== undefined) meta["total_record_count"] = page.total;
  return ok({ [list.envelope]: page.records, ...extra.body, pagination_meta: meta });
}

function pagedRoute(template: string, scope: string, list: PagedList): Route {
  return { template, pattern: exactPath(template), scope, handle: (request) => servePage(request, list) };
}

/** A list the real API returns whole: no `pagination_meta`, and `page_size`/`after` are ignored. */
function wholeRoute(template: string, scope: string, kind: IncidentIoKind, filters: FilterSupport = {}, shape: (record: JsonObject) => JsonObject = (record) => record): Route {
  return {
    template,
    pattern: exactPath(template),
    scope,
    handle: ({ dataset, query }) => {
      const options = parseListOptions(kind, query, filters);
      if (isValidationIssue(options)) return invalid([options]);
      return ok({ [kind]: Array.from(dataset.records(kind, options), shape) });
    },
  };
}

function exactPath(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}/?$`);
}

function withoutCategory(record: JsonObject): JsonObject {
  const { category: _category, ...rest } = record;
  return rest;
}

function showCatalogType({ dataset, params }: RouteRequest): RouteResult {
  const type = dataset.get("catalog_types", decodeURIComponent(params[0] ?? ""));
  return type ? ok({ catalog_type: type }) : { status: 404, body: notFoundBody("Catalog type") };
}

/**
 * A `Show` endpoint: `{<envelope>: record}`, or 404 for an ID that is unknown or was deleted. It finds
 * any record by ID, including those a list hides by default (test and tutorial incidents).
 */
function showRoute(template: string, scope: string, kind: IncidentIoKind, envelope: string, noun: string, shape: (record: JsonObject) => JsonObject = (record) => record): Route {
  return {
    template,
    pattern: exactPath(template),
    scope,
    handle: ({ dataset, params }) => {
      const record = dataset.get(kind, decodeURIComponent(params[0] ?? ""));
      return record ? ok({ [envelope]: shape(record) }) : { status: 404, body: notFoundBody(noun) };
    },
  };
}

function listCatalogEntries(request: RouteRequest): RouteResult {
  const typeId = singleValue(request.query["catalog_type_id"]);
  const list: PagedList = { kind: "catalog_entries", envelope: "catalog_entries", paging: { max: 250, required: true }, withTotal: true, filters: {} };
  if (typeId === undefined || typeId === "") {
    return servePage(request, list, { issues: [{ field: "catalog_type_id", code: "is_required", message: "catalog_type_id is required" }] });
  }
  const type = request.dataset.get("catalog_types", typeId);
  if (!type) return { status: 404, body: notFoundBody("Catalog type") };
  return servePage(request, list, { options: { catalogTypeId: typeId }, body: { catalog_type: type } });
}

function showIdentity(): RouteResult {
  return ok({
    identity: {
      name: "Sandbox API key",
      roles: ["viewer", "catalog_viewer", "schedules_reader", "on_call_viewer"],
      team_roles: [],
      teams: [],
      dashboard_url: "https://app.incident.io/sandbox-org",
    },
  });
}

/** The endpoints the sandbox serves, with the real API's paging rules, required parameters and scopes. */
const ROUTES: readonly Route[] = [
  pagedRoute("/v2/users", "users.view", { kind: "users", envelope: "users", paging: { max: 10_000, required: false }, withTotal: false, filters: { includeInactive: true } }),
  wholeRoute("/v2/alert_sources", "alert_sources.view", "alert_sources"),
  pagedRoute("/v2/schedules", "schedules.view", { kind: "schedules", envelope: "schedules", paging: { max: 10_000, required: false }, withTotal: true, filters: {} }),
  pagedRoute("/v2/alerts", "alerts.view", { kind: "alerts", envelope: "alerts", paging: { max: 50, required: true }, withTotal: false, filters: { status: true, createdAt: true } }),
  showRoute("/v2/alerts/{id}", "alerts.view", "alerts", "alert", "Alert"),
  showRoute("/v2/schedules/{id}", "schedules.view", "schedules", "schedule", "Schedule"),
  showRoute("/v2/incidents/{id}", "incidents.view", "incidents", "incident", "Incident"),
  pagedRoute("/v2/incidents", "incidents.view", {
    kind: "incidents",
    envelope: "incidents",
    paging: { max: 250, required: false },
    withTotal: true,
    filters: { modes: true, sortBy: true, updatedAtGte: true, createdAt: true },
  }),
  wholeRoute("/v3/catalog_types", "catalog_types.view", "catalog_types"),
  { template: "/v3/catalog_types/{id}", pattern: exactPath("/v3/catalog_types/{id}"), scope: "catalog_types.view", handle: showCatalogType },
  { template: "/v3/catalog_entries", pattern: exactPath("/v3/catalog_entries"), scope: "catalog_entries.view", handle: listCatalogEntries },
  wholeRoute("/v1/severities", "severities.view", "severities"),
  pagedRoute("/v3/teams", "catalog_entries.view", { kind: "teams", envelope: "teams", paging: { max: 250, required: false }, withTotal: false, filters: {} }),
  wholeRoute("/v2/follow_ups", "actions.view", "follow_ups", { incidentMode: true, incidentId: true }, withoutCategory),
  showRoute("/v2/follow_ups/{id}", "actions.view", "follow_ups", "follow_up", "Follow-up", withoutCategory),
  pagedRoute("/v3/follow_ups", "actions.view", {
    kind: "follow_ups",
    envelope: "follow_ups",
    paging: { max: 250, required: false },
    withTotal: false,
    filters: { incidentMode: true, incidentId: true, updatedAtGte: true },
  }),
  { template: "/v1/identity", pattern: exactPath("/v1/identity"), handle: showIdentity },
];

/** The route serving `path` and its captured segments, if any. */
export function matchRoute(path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}

/** Answers a request for a matched route, or 403 when the key lacks the route's scope. */
export function answerRoute(route: Route, request: RouteRequest, scopes: ReadonlySet<string>): RouteResult {
  if (route.scope !== undefined && !scopes.has(route.scope)) return { status: 403, body: forbiddenBody(route.scope) };
  return route.handle(request);
}
