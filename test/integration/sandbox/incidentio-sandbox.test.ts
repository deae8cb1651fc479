import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUIRKS } from "../../../src/sandbox/incidentio/generate/quirks";
import type { JsonObject, JsonValue } from "../../../src/sandbox/incidentio/json";
import { isIncidentIoKind, type IncidentIoKind } from "../../../src/sandbox/incidentio/kinds";
import type { ListOptions } from "../../../src/sandbox/incidentio/filters";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import type { Fault } from "../../../src/sandbox/shared/faults";
import { INCIDENTIO_SPEC, loadOpenApiValidator } from "../../helpers/openapi-validator";

type Query = Record<string, string | readonly string[]>;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: JsonObject;
}

const MAX_PAGES = 500;
const spec = loadOpenApiValidator(INCIDENTIO_SPEC);

// The published spec declares no error responses; this is the ErrorResponse shape of the official
// TypeScript SDK as the reference (§2.5) records it.
const ERROR_TYPES = [
  "invalid_request_error", "authentication_error", "resource_forbidden", "not_found", "not_acceptable", "method_not_allowed", "request_timeout",
  "conflict", "precondition_failed", "payload_too_large", "validation_error", "too_many_requests", "api_error", "rate_limit_reached", "client_timeout",
];
const validateError = new Ajv({ allErrors: true }).compile({
  type: "object",
  required: ["type", "status", "request_id", "errors"],
  properties: {
    type: { enum: ERROR_TYPES },
    status: { type: "integer" },
    request_id: { type: "string" },
    errors: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "string" },
          message: { type: "string" },
          source: { type: "object", properties: { field: { type: "string" }, pointer: { type: "string" } } },
          metadata: { type: "object", additionalProperties: { type: "string" } },
        },
      },
    },
    rate_limit: {
      type: "object",
      required: ["name", "limit", "remaining", "retry_after"],
      properties: { name: { type: "string" }, limit: { type: "integer" }, remaining: { type: "integer" }, retry_after: { type: "string" } },
    },
  },
});

function errorShapeProblems(body: unknown): string[] {
  return validateError(body) ? [] : (validateError.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ""}`);
}

function toSearch(query: Query): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const item of typeof value === "string" ? [value] : value) search.append(key, item);
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** GETs a sandbox path with the sandbox's key, another key, or (null) no Authorization header at all. */
async function call(sandbox: IncidentIoSandbox, path: string, query: Query = {}, token: string | null = sandbox.token): Promise<Answer> {
  const response = await fetch(`${sandbox.baseUrl}${path}${toSearch(query)}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as JsonObject };
}

function objectAt(value: JsonValue | undefined): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

function listAt(value: JsonValue | undefined): JsonObject[] {
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value.map(objectAt);
}

function idsOf(records: readonly JsonObject[]): string[] {
  return records.map((record) => String(record["id"]));
}

/** Follows `pagination_meta.after` the way a careful client does, until a page has no cursor or no records. */
async function walk(sandbox: IncidentIoSandbox, path: string, envelope: string, query: Query): Promise<{ records: JsonObject[]; pages: Answer[] }> {
  const records: JsonObject[] = [];
  const pages: Answer[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await call(sandbox, path, after === undefined ? query : { ...query, after });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    pages.push(answer);
    const items = listAt(answer.body[envelope]);
    records.push(...items);
    const meta = objectAt(answer.body["pagination_meta"]);
    after = typeof meta["after"] === "string" ? meta["after"] : undefined;
    if (after === undefined || items.length === 0) return { records, pages };
  }
  throw new Error(`${path} did not stop paging within ${MAX_PAGES} pages`);
}

/**
 * Validation errors other than the deliberate unknown enum values (compatibility policy) that quirky
 * records carry; such a record also carries its kind's unknown extra field, which is how it is told apart.
 */
function unexpectedErrors(errors: readonly string[], body: JsonObject): string[] {
  const holders: { prefix: string; kind: IncidentIoKind; record: JsonObject }[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value) && isIncidentIoKind(key)) value.forEach((item, index) => holders.push({ prefix: `/${key}/${index}`, kind: key, record: objectAt(item) }));
    if (key === "catalog_type") holders.push({ prefix: "/catalog_type", kind: "catalog_types", record: objectAt(value) });
  }
  return errors.filter((error) => {
    const holder = holders.find(({ prefix }) => error.startsWith(`${prefix}/`));
    const pointer = holder ? QUIRKS[holder.kind].unknownEnumAt : undefined;
    if (!holder || !pointer || !(QUIRKS[holder.kind].extraField in holder.record)) return true;
    const pattern = new RegExp(`^${holder.prefix}${pointer.replace(/\*/g, "\\d+")} must be equal to one of the allowed values`);
    return !pattern.test(error);
  });
}

interface PagedCase {
  readonly path: string;
  readonly envelope: string;
  readonly kind: IncidentIoKind;
  readonly query: Query;
  readonly options: ListOptions;
}

const PAGED: readonly PagedCase[] = [
  { path: "/v2/users", envelope: "users", kind: "users", query: { page_size: "7" }, options: {} },
  { path: "/v2/users", envelope: "users", kind: "users", query: { page_size: "7", include_inactive: "true" }, options: { includeInactive: true } },
  { path: "/v2/schedules", envelope: "schedules", kind: "schedules", query: { page_size: "3" }, options: {} },
  { path: "/v2/alerts", envelope: "alerts", kind: "alerts", query: { page_size: "50" }, options: {} },
  { path: "/v2/incidents", envelope: "incidents", kind: "incidents", query: { page_size: "25" }, options: {} },
  { path: "/v2/incidents", envelope: "incidents", kind: "incidents", query: { page_size: "9", sort_by: "created_at_oldest_first" }, options: { sortBy: "created_at_oldest_first" } },
  { path: "/v2/incidents", envelope: "incidents", kind: "incidents", query: { page_size: "250", "mode[one_of]": ["test", "tutorial"] }, options: { modes: ["test", "tutorial"] } },
  { path: "/v3/teams", envelope: "teams", kind: "teams", query: { page_size: "3" }, options: {} },
  { path: "/v3/follow_ups", envelope: "follow_ups", kind: "follow_ups", query: { page_size: "25" }, options: {} },
  { path: "/v3/follow_ups", envelope: "follow_ups", kind: "follow_ups", query: { page_size: "25", incident_mode: "test" }, options: { incidentMode: "test" } },
];

describe("startIncidentIoSandbox", () => {
  let sandbox: IncidentIoSandbox;
  beforeAll(async () => {
    sandbox = await startIncidentIoSandbox({ seed: 11, scale: "demo" });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe("paging", () => {
    it.each(PAGED.map((route) => ({ ...route, label: `${route.path}${toSearch(route.query)}` })))(
      "walks $label to exactly the records the dataset lists, in order",
      async ({ path, envelope, kind, query, options }) => {
        const { records } = await walk(sandbox, path, envelope, query);
        expect(records.length).toBe(sandbox.dataset.count(kind, options));
        expect(idsOf(records)).toEqual(idsOf([...sandbox.dataset.records(kind, options)]));
        expect(new Set(idsOf(records)).size).toBe(records.length);
      },
    );

    it("walks every catalog type's entries through /v3/catalog_entries", async () => {
      const types = listAt((await call(sandbox, "/v3/catalog_types")).body["catalog_types"]);
      expect(types).toHaveLength(4);
      for (const type of types) {
        const catalogTypeId = String(type["id"]);
        const { records, pages } = await walk(sandbox, "/v3/catalog_entries", "catalog_entries", { catalog_type_id: catalogTypeId, page_size: "20" });
        expect(idsOf(records)).toEqual(idsOf([...sandbox.dataset.records("catalog_entries", { catalogTypeId })]));
        expect(records.every((entry) => entry["catalog_type_id"] === catalogTypeId)).toBe(true);
        expect(objectAt(pages[0]?.body["catalog_type"])["id"]).toBe(catalogTypeId);
      }
    });

    it("hands out a cursor on an exactly-full last page, then answers an empty page without one", async () => {
      const teams = sandbox.dataset.count("teams");
      const full = await call(sandbox, "/v3/teams", { page_size: String(teams) });
      const meta = objectAt(full.body["pagination_meta"]);
      expect(listAt(full.body["teams"])).toHaveLength(teams);
      expect(meta["after"]).toBe(sandbox.dataset.idAt("teams", teams - 1));
      const empty = await call(sandbox, "/v3/teams", { page_size: String(teams), after: String(meta["after"]) });
      expect(empty.body).toEqual({ teams: [], pagination_meta: { page_size: teams } });
    });

    it.each([
      { path: "/v2/incidents", envelope: "incidents", kind: "incidents" as const, query: {} },
      { path: "/v2/schedules", envelope: "schedules", kind: "schedules" as const, query: {} },
    ])("reports total_record_count and the default page size of 25 on $path", async ({ path, envelope, kind, query }) => {
      const answer = await call(sandbox, path, query);
      expect(listAt(answer.body[envelope]).length).toBe(Math.min(25, sandbox.dataset.count(kind)));
      expect(answer.body["pagination_meta"]).toMatchObject({ page_size: 25, total_record_count: sandbox.dataset.count(kind) });
    });

    it("sends next_shifts only on schedule pages of at most 25", async () => {
      const small = listAt((await call(sandbox, "/v2/schedules", { page_size: "25" })).body["schedules"]);
      const large = listAt((await call(sandbox, "/v2/schedules", { page_size: "26" })).body["schedules"]);
      expect(small.some((schedule) => "next_shifts" in schedule)).toBe(true);
      expect(large.some((schedule) => "next_shifts" in schedule)).toBe(false);
    });
  });

  describe("whole lists", () => {
    it.each([
      { path: "/v2/alert_sources", kind: "alert_sources" as const },
      { path: "/v3/catalog_types", kind: "catalog_types" as const },
      { path: "/v1/severities", kind: "severities" as const },
      { path: "/v2/follow_ups", kind: "follow_ups" as const },
    ])("answers $path in one response without pagination_meta, ignoring page_size and after", async ({ path, kind }) => {
      const answer = await call(sandbox, path, { page_size: "1", after: sandbox.dataset.idAt(kind, 0) });
      expect(Object.keys(answer.body)).toEqual([kind]);
      expect(idsOf(listAt(answer.body[kind]))).toEqual(idsOf([...sandbox.dataset.records(kind)]));
    });

    it("drops the v3-only category from /v2/follow_ups", async () => {
      const v2 = listAt((await call(sandbox, "/v2/follow_ups")).body["follow_ups"]);
      const v3 = listAt((await call(sandbox, "/v3/follow_ups", { page_size: "250" })).body["follow_ups"]);
      expect(v3.some((followUp) => "category" in followUp)).toBe(true);
      expect(v2.some((followUp) => "category" in followUp)).toBe(false);
    });

    it("shows one catalog type at /v3/catalog_types/{id}", async () => {
      const id = sandbox.dataset.idAt("catalog_types", 2);
      const answer = await call(sandbox, `/v3/catalog_types/${id}`);
      expect(answer.body).toEqual({ catalog_type: sandbox.dataset.get("catalog_types", id) });
    });
  });

  describe("filters", () => {
    it("sends bracket filters URL-encoded and applies them", async () => {
      const response = await fetch(`${sandbox.baseUrl}/v2/incidents?page_size=250&mode%5Bone_of%5D=test`, { headers: { authorization: `Bearer ${sandbox.token}` } });
      const incidents = listAt(((await response.json()) as JsonObject)["incidents"]);
      expect(incidents.length).toBe(sandbox.dataset.count("incidents", { modes: ["test"] }));
      expect(incidents.every((incident) => incident["mode"] === "test")).toBe(true);
    });

    it("filters incidents by updated_at[gte] at day granularity, a full timestamp counting as its day", async () => {
      const all = [...sandbox.dataset.records("incidents")];
      const pivot = String(all[Math.floor(all.length / 2)]?.["updated_at"]);
      const { records } = await walk(sandbox, "/v2/incidents", "incidents", { page_size: "25", "updated_at[gte]": `${pivot.slice(0, 10)}T23:59:59Z` });
      const expected = all.filter((incident) => String(incident["updated_at"]).slice(0, 10) >= pivot.slice(0, 10));
      expect(idsOf(records)).toEqual(idsOf(expected));
      expect(records.length).toBeLessThan(all.length);
    });

    it("filters /v3/follow_ups by the exact updated_at[gte] instant", async () => {
      const all = [...sandbox.dataset.records("follow_ups")];
      const pivot = String(all[60]?.["updated_at"]);
      const { records } = await walk(sandbox, "/v3/follow_ups", "follow_ups", { page_size: "25", "updated_at[gte]": pivot });
      expect(idsOf(records)).toEqual(idsOf(all.filter((followUp) => Date.parse(String(followUp["updated_at"])) >= Date.parse(pivot))));
      expect(records.length).toBe(sandbox.dataset.count("follow_ups", { updatedAtGte: pivot }));
    });
  });

  describe("errors", () => {
    const firstTypeId = (): string => sandbox.dataset.idAt("catalog_types", 0);
    it.each([
      { name: "alerts without page_size", path: "/v2/alerts", query: (): Query => ({}), fields: ["page_size"] },
      { name: "alerts above 50 a page", path: "/v2/alerts", query: (): Query => ({ page_size: "51" }), fields: ["page_size"] },
      { name: "users above 10000 a page", path: "/v2/users", query: (): Query => ({ page_size: "10001" }), fields: ["page_size"] },
      { name: "schedules above 10000 a page", path: "/v2/schedules", query: (): Query => ({ page_size: "10001" }), fields: ["page_size"] },
      { name: "incidents above 250 a page", path: "/v2/incidents", query: (): Query => ({ page_size: "251" }), fields: ["page_size"] },
      { name: "teams above 250 a page", path: "/v3/teams", query: (): Query => ({ page_size: "251" }), fields: ["page_size"] },
      { name: "v3 follow-ups above 250 a page", path: "/v3/follow_ups", query: (): Query => ({ page_size: "251" }), fields: ["page_size"] },
      { name: "catalog entries without either required parameter", path: "/v3/catalog_entries", query: (): Query => ({}), fields: ["catalog_type_id", "page_size"] },
      { name: "catalog entries without page_size", path: "/v3/catalog_entries", query: (): Query => ({ catalog_type_id: firstTypeId() }), fields: ["page_size"] },
      { name: "catalog entries above 250 a page", path: "/v3/catalog_entries", query: (): Query => ({ catalog_type_id: firstTypeId(), page_size: "251" }), fields: ["page_size"] },
      { name: "an after that is no ID of the list", path: "/v2/users", query: (): Query => ({ after: "01HW4J6NDJS1C7J52MQC9990ND" }), fields: ["after"] },
      { name: "an unknown sort_by", path: "/v2/incidents", query: (): Query => ({ sort_by: "severity" }), fields: ["sort_by"] },
      { name: "a malformed updated_at[gte]", path: "/v3/follow_ups", query: (): Query => ({ "updated_at[gte]": "last tuesday" }), fields: ["updated_at"] },
    ])("answers 422 validation_error for $name", async ({ path, query, fields }) => {
      const answer = await call(sandbox, path, query());
      expect(answer.status).toBe(422);
      expect(answer.body["type"]).toBe("validation_error");
      expect(listAt(answer.body["errors"]).map((error) => objectAt(error["source"])["field"])).toEqual(fields);
      expect(errorShapeProblems(answer.body)).toEqual([]);
    });

    it.each([
      { name: "the entries route Port's page documents", path: () => `/v3/catalog_types/${sandbox.dataset.idAt("catalog_types", 0)}/entries` },
      { name: "an unknown route", path: () => "/v2/escalations" },
      { name: "an unknown catalog type", path: () => "/v3/catalog_types/01HW4J6NDJS1C7J52MQC9990ND" },
    ])("answers 404 not_found for $name", async ({ path }) => {
      const answer = await call(sandbox, path());
      expect(answer.status).toBe(404);
      expect(answer.body["type"]).toBe("not_found");
      expect(errorShapeProblems(answer.body)).toEqual([]);
    });

    it("answers 404 for catalog entries of an unknown type", async () => {
      const answer = await call(sandbox, "/v3/catalog_entries", { catalog_type_id: sandbox.dataset.idAt("users", 0), page_size: "10" });
      expect(answer.status).toBe(404);
    });

    it.each([
      { name: "no Authorization header", token: null, code: "missing_authorization_material" },
      { name: "a wrong key", token: "inc_wrong", code: "invalid_authorization_material" },
    ])("answers 401 authentication_error for $name", async ({ token, code }) => {
      const answer = await call(sandbox, "/v2/incidents", {}, token);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ type: "authentication_error", status: 401, errors: [{ code }] });
      expect(errorShapeProblems(answer.body)).toEqual([]);
    });

    it("answers 403 resource_forbidden for a route whose scope the key lacks", async () => {
      sandbox.scopes.delete("alerts.view");
      try {
        const answer = await call(sandbox, "/v2/alerts", { page_size: "10" });
        expect(answer.status).toBe(403);
        expect(answer.body["type"]).toBe("resource_forbidden");
        expect(errorShapeProblems(answer.body)).toEqual([]);
        expect((await call(sandbox, "/v1/identity")).status).toBe(200);
      } finally {
        sandbox.scopes.add("alerts.view");
      }
    });
  });

  describe("spec conformance", () => {
    const catalogType = (): string => sandbox.dataset.idAt("catalog_types", 1);
    it.each<{ template: string; path: () => string; query: Query; catalog?: boolean }>([
      { template: "/v2/users", path: () => "/v2/users", query: { page_size: "250", include_inactive: "true" } },
      { template: "/v2/alert_sources", path: () => "/v2/alert_sources", query: {} },
      { template: "/v2/schedules", path: () => "/v2/schedules", query: { page_size: "25" } },
      { template: "/v2/alerts", path: () => "/v2/alerts", query: { page_size: "50" } },
      { template: "/v2/incidents", path: () => "/v2/incidents", query: { page_size: "250", "mode[one_of]": ["standard", "retrospective", "test", "tutorial"] } },
      { template: "/v3/catalog_types", path: () => "/v3/catalog_types", query: {} },
      { template: "/v3/catalog_types/{id}", path: () => `/v3/catalog_types/${catalogType()}`, query: {} },
      { template: "/v3/catalog_entries", path: () => "/v3/catalog_entries", query: { page_size: "250" }, catalog: true },
      { template: "/v1/severities", path: () => "/v1/severities", query: {} },
      { template: "/v3/teams", path: () => "/v3/teams", query: { page_size: "250" } },
      { template: "/v2/follow_ups", path: () => "/v2/follow_ups", query: {} },
      { template: "/v1/identity", path: () => "/v1/identity", query: {} },
    ])("answers GET $template as the published spec describes, on every page", async ({ template, path, query, catalog }) => {
      const fullQuery: Query = catalog ? { ...query, catalog_type_id: catalogType() } : query;
      const envelope = Object.keys((await call(sandbox, path(), fullQuery)).body).find((key) => key !== "pagination_meta" && key !== "catalog_type") ?? "";
      const pages = "page_size" in query ? (await walk(sandbox, path(), envelope, fullQuery)).pages : [await call(sandbox, path(), fullQuery)];
      for (const page of pages) expect(unexpectedErrors(spec.response("GET", template, 200, page.body), page.body)).toEqual([]);
    });

    it("answers GET /v3/follow_ups with FollowUpV2 items plus a category shaped like a priority (the route is not in the spec)", async () => {
      const { pages } = await walk(sandbox, "/v3/follow_ups", "follow_ups", { page_size: "50", incident_mode: "standard" });
      for (const page of pages) {
        const errors = listAt(page.body["follow_ups"]).flatMap((followUp, index) => [
          ...spec.schema("FollowUpV2", followUp).map((error) => `/follow_ups/${index}${error}`),
          ...("category" in followUp ? spec.schema("FollowUpPriorityV2", followUp["category"]).map((error) => `/follow_ups/${index}/category${error}`) : []),
        ]);
        expect(unexpectedErrors(errors, page.body)).toEqual([]);
        expect(spec.schema("PaginationMetaResultV2", page.body["pagination_meta"])).toEqual([]);
      }
    });

    it("echoes a page_size above the 250 that the spec's pagination_meta schema allows, as the real API does", async () => {
      const answer = await call(sandbox, "/v2/users", { page_size: "10000" });
      expect(answer.body["pagination_meta"]).toEqual({ page_size: 10000 });
      expect(unexpectedErrors(spec.response("GET", "/v2/users", 200, answer.body), answer.body)).toEqual(['/pagination_meta/page_size must be <= 250 {"comparison":"<=","limit":250}']);
    });

    it("keeps the deliberate unknown enum values to records that also carry an unknown field", async () => {
      const answer = await call(sandbox, "/v2/alerts", { page_size: "50" });
      const errors = spec.response("GET", "/v2/alerts", 200, answer.body);
      expect(errors.length).toBeGreaterThan(0);
      expect(unexpectedErrors(errors, answer.body)).toEqual([]);
    });
  });

  describe("faults", () => {
    it.each([
      { name: "a 500", fault: { type: "status", status: 500 } as Fault, status: 500, type: "api_error" },
      { name: "a 503", fault: { type: "status", status: 503 } as Fault, status: 503, type: "api_error" },
      { name: "a 429 with Retry-After in seconds", fault: { type: "status", status: 429, retryAfter: { seconds: 2, form: "seconds" } } as Fault, status: 429, type: "too_many_requests" },
      { name: "a 429 with Retry-After as an HTTP date", fault: { type: "status", status: 429, retryAfter: { seconds: 2, form: "http-date" } } as Fault, status: 429, type: "too_many_requests" },
    ])("injects $name with the real error body, once", async ({ fault, status, type }) => {
      sandbox.faults.add({ route: "GET /v2/alerts", fault });
      const failed = await call(sandbox, "/v2/alerts", { page_size: "5" });
      expect(failed.status).toBe(status);
      expect(failed.body["type"]).toBe(type);
      expect(errorShapeProblems(failed.body)).toEqual([]);
      if (status === 429) {
        const header = failed.headers.get("retry-after") ?? "";
        const seconds = /^\d+$/.test(header) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
        expect(seconds).toBeGreaterThan(0);
        expect(seconds).toBeLessThanOrEqual(2);
        expect(objectAt(failed.body["rate_limit"])).toMatchObject({ limit: 1200, remaining: 0 });
      }
      expect((await call(sandbox, "/v2/alerts", { page_size: "5" })).status).toBe(200);
    });

    it("skips matching requests before injecting, so a later page fails", async () => {
      sandbox.faults.add({ route: "GET /v2/incidents", fault: { type: "status", status: 502 }, skip: 2 });
      const statuses = [];
      for (let page = 0; page < 4; page += 1) statuses.push((await call(sandbox, "/v2/incidents", { page_size: "5" })).status);
      expect(statuses).toEqual([200, 200, 502, 200]);
    });

    it("resets the connection, which the log records as status 0", async () => {
      sandbox.requests.length = 0;
      sandbox.faults.add({ route: "GET /v3/teams", fault: { type: "reset" } });
      await expect(fetch(`${sandbox.baseUrl}/v3/teams`, { headers: { authorization: `Bearer ${sandbox.token}` } })).rejects.toThrow();
      expect(sandbox.requests.map((request) => [request.path, request.status])).toEqual([["/v3/teams", 0]]);
    });

    it("answers malformed JSON with a 200", async () => {
      sandbox.faults.add({ route: "GET /v1/severities", fault: { type: "malformed" } });
      const response = await fetch(`${sandbox.baseUrl}/v1/severities`, { headers: { authorization: `Bearer ${sandbox.token}` } });
      expect(response.status).toBe(200);
      await expect(response.json()).rejects.toThrow(SyntaxError);
    });

    it("answers a raw body exactly as given, with its status", async () => {
      sandbox.requests.length = 0;
      const text = `{"severities": [{"id": "\\ud800", "deep": ${"[".repeat(5000)}${"]".repeat(5000)}}]}`;
      sandbox.faults.add({ route: "GET /v1/severities", fault: { type: "raw", status: 200, text } });
      const response = await fetch(`${sandbox.baseUrl}/v1/severities`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(text);
      expect(sandbox.requests.map((request) => request.status)).toEqual([200]);
    });

    it("answers slowly, then normally", async () => {
      sandbox.faults.add({ route: "GET /v1/identity", fault: { type: "delay", ms: 150 } });
      const started = performance.now();
      const answer = await call(sandbox, "/v1/identity");
      expect(answer.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });

    it("adds latencyMs to every request while it is set", async () => {
      sandbox.latencyMs = 120;
      try {
        const started = performance.now();
        await call(sandbox, "/v1/identity");
        expect(performance.now() - started).toBeGreaterThanOrEqual(110);
      } finally {
        sandbox.latencyMs = 0;
      }
    });
  });

  describe("page faults", () => {
    const afterOf = (answer: Answer) => objectAt(answer.body["pagination_meta"])["after"];

    it("answers every page after the first with the cursor it was requested with", async () => {
      const cursor = String(afterOf(await call(sandbox, "/v2/users", { page_size: "5" })));
      const normal = await call(sandbox, "/v2/users", { page_size: "5", after: cursor });
      sandbox.setPageFault("/v2/users", { type: "repeat-cursor" });
      try {
        const first = await call(sandbox, "/v2/users", { page_size: "5" });
        const second = await call(sandbox, "/v2/users", { page_size: "5", after: cursor });
        expect([afterOf(first), afterOf(second)]).toEqual([cursor, cursor]);
        expect(idsOf(listAt(second.body["users"]))).toEqual(idsOf(listAt(normal.body["users"])));
      } finally {
        sandbox.setPageFault("/v2/users", undefined);
      }
    });

    it("names the first page's cursor again on the third page (A → B → A)", async () => {
      sandbox.setPageFault("/v2/users", { type: "cursor-cycle" });
      try {
        const a = await call(sandbox, "/v2/users", { page_size: "5" });
        const b = await call(sandbox, "/v2/users", { page_size: "5", after: String(afterOf(a)) });
        const c = await call(sandbox, "/v2/users", { page_size: "5", after: String(afterOf(b)) });
        expect([afterOf(b) !== afterOf(a), afterOf(c)]).toEqual([true, afterOf(a)]);
      } finally {
        sandbox.setPageFault("/v2/users", undefined);
      }
    });

    it("hands out a new cursor on every page of an endless list, serving its first page's records", async () => {
      sandbox.setPageFault("/v3/teams", { type: "endless-cursors" });
      try {
        let after: string | undefined;
        const cursors: unknown[] = [];
        for (let page = 0; page < 5; page += 1) {
          const answer = await call(sandbox, "/v3/teams", { page_size: "2", ...(after === undefined ? {} : { after }) });
          expect(answer.status).toBe(200);
          expect(listAt(answer.body["teams"])).toHaveLength(2);
          after = String(afterOf(answer));
          cursors.push(after);
        }
        expect(new Set(cursors).size).toBe(5);
      } finally {
        sandbox.setPageFault("/v3/teams", undefined);
      }
    });

    it("adds the given items to the first page only", async () => {
      sandbox.setPageFault("/v2/users", { type: "extra-items", items: [null, { name: "no id" }] });
      try {
        const first = await call(sandbox, "/v2/users", { page_size: "5" });
        expect((first.body["users"] as JsonValue[]).slice(5)).toEqual([null, { name: "no id" }]);
        const second = await call(sandbox, "/v2/users", { page_size: "5", after: String(afterOf(first)) });
        expect(listAt(second.body["users"])).toHaveLength(5);
      } finally {
        sandbox.setPageFault("/v2/users", undefined);
      }
    });

    it("answers 404 not_found for a path it is told not to serve", async () => {
      sandbox.notServed.add("/v3/follow_ups");
      try {
        const answer = await call(sandbox, "/v3/follow_ups", { page_size: "25" });
        expect([answer.status, answer.body["type"]]).toEqual([404, "not_found"]);
        expect((await call(sandbox, "/v2/follow_ups")).status).toBe(200);
      } finally {
        sandbox.notServed.delete("/v3/follow_ups");
      }
    });
  });

  describe("request log", () => {
    it("records method, path, decoded query and status of every request, and can be cleared", async () => {
      sandbox.requests.length = 0;
      await call(sandbox, "/v2/incidents", { page_size: "2", "mode[one_of]": ["test", "standard"] });
      await call(sandbox, "/v2/alerts");
      expect(sandbox.requests.map(({ method, path, query, status }) => ({ method, path, query, status }))).toEqual([
        { method: "GET", path: "/v2/incidents", query: { page_size: "2", "mode[one_of]": ["test", "standard"] }, status: 200 },
        { method: "GET", path: "/v2/alerts", query: {}, status: 422 },
      ]);
      expect(sandbox.requests[0]?.headers["authorization"]).toBe(`Bearer ${sandbox.token}`);
      sandbox.requests.length = 0;
      expect(sandbox.requests).toHaveLength(0);
    });
  });
});

describe("startIncidentIoSandbox rate limiting", () => {
  it.each([
    { form: "seconds" as const, read: (header: string) => Number(header) },
    { form: "http-date" as const, read: (header: string) => Math.round((Date.parse(header) - Date.now()) / 1000) },
  ])("answers 429 with Retry-After as $form once a key spends its budget", async ({ form, read }) => {
    const sandbox = await startIncidentIoSandbox({ scale: "tiny", rateLimit: { requestsPerMinute: 3, retryAfterForm: form } });
    try {
      const statuses = [];
      for (let request = 0; request < 3; request += 1) statuses.push((await call(sandbox, "/v1/severities")).status);
      const refused = await call(sandbox, "/v1/severities");
      expect(statuses).toEqual([200, 200, 200]);
      expect(refused.status).toBe(429);
      // A third of a minute until the next of 3 tokens per minute.
      expect(read(refused.headers.get("retry-after") ?? "")).toBeGreaterThanOrEqual(19);
      expect(read(refused.headers.get("retry-after") ?? "")).toBeLessThanOrEqual(21);
      expect(refused.body).toMatchObject({ type: "too_many_requests", rate_limit: { limit: 3, remaining: 0 } });
      expect(errorShapeProblems(refused.body)).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it("refills in scaled time, so a minute's budget comes back within a second at timeScale 60", async () => {
    const sandbox = await startIncidentIoSandbox({ scale: "tiny", rateLimit: { requestsPerMinute: 2, timeScale: 60 } });
    try {
      await call(sandbox, "/v1/identity");
      await call(sandbox, "/v1/identity");
      const refused = await call(sandbox, "/v1/identity");
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("1");
      await new Promise((resolve) => setTimeout(resolve, 550));
      expect((await call(sandbox, "/v1/identity")).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it("counts only requests with a valid key", async () => {
    const sandbox = await startIncidentIoSandbox({ scale: "tiny", rateLimit: { requestsPerMinute: 1 } });
    try {
      expect((await call(sandbox, "/v1/identity", {}, "inc_wrong")).status).toBe(401);
      expect((await call(sandbox, "/v1/identity")).status).toBe(200);
      expect((await call(sandbox, "/v1/identity")).status).toBe(429);
    } finally {
      await sandbox.close();
    }
  });
});

describe("startIncidentIoSandbox with mutations", () => {
  it("serves updates, deletions and additions to a client syncing incrementally", async () => {
    const sandbox = await startIncidentIoSandbox({ seed: 5, scale: "tiny" });
    try {
      const since = new Date().toISOString();
      const [first, second] = [...sandbox.dataset.records("follow_ups")];
      sandbox.dataset.update("follow_ups", String(first?.["id"]), { status: "completed" });
      sandbox.dataset.remove("follow_ups", String(second?.["id"]));
      const added = sandbox.dataset.add("follow_ups", { title: "Added during the test" });
      const changed = await walk(sandbox, "/v3/follow_ups", "follow_ups", { page_size: "10", "updated_at[gte]": since });
      expect(changed.records.map((followUp) => [followUp["id"], followUp["status"] ?? followUp["title"]])).toEqual([
        [first?.["id"], "completed"],
        [added["id"], added["status"]],
      ]);
      const all = await walk(sandbox, "/v3/follow_ups", "follow_ups", { page_size: "10" });
      expect(idsOf(all.records)).not.toContain(second?.["id"]);
      expect(all.records).toHaveLength(sandbox.dataset.count("follow_ups"));
    } finally {
      await sandbox.close();
    }
  });
});

describe("sandbox records beside real response shapes", () => {
  /** Every path to a value in `value`, arrays written as `[]`, e.g. `incident_role_assignments[].role.role_type`. */
  function pathsOf(value: JsonValue, prefix = "", into = new Set<string>()): Set<string> {
    if (Array.isArray(value)) for (const item of value) pathsOf(item, `${prefix}[]`, into);
    else if (value !== null && typeof value === "object") for (const [key, inner] of Object.entries(value)) pathsOf(inner, prefix === "" ? key : `${prefix}.${key}`, into);
    else into.add(prefix);
    return into;
  }

  it.each([
    { fixture: "incidents-page.json", kind: "incidents" as const, options: { modes: ["standard", "retrospective", "test", "tutorial"] } },
    { fixture: "alerts-page.json", kind: "alerts" as const, options: {} },
  ])("produce every field path of the real shapes in $fixture", async ({ fixture, kind, options }) => {
    const real = JSON.parse(readFileSync(new URL(`../../fixtures/incidentio/${fixture}`, import.meta.url), "utf8")) as JsonObject;
    const sandbox = await startIncidentIoSandbox({ scale: "demo" });
    try {
      const generated = pathsOf([...sandbox.dataset.records(kind, options)]);
      const missing = [...pathsOf(real[kind] ?? [])].filter((path) => !generated.has(path));
      expect(missing).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
