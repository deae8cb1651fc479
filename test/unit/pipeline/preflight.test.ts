import { describe, expect, it } from "vitest";
import { ConfigError, HttpError } from "../../../src/errors";
import type { ResourceMapping } from "../../../src/model/mapping";
import type { PaginationSettings } from "../../../src/model/pagination";
import {
  chooseProbeRequest,
  judgeIncidentIoFailure,
  judgePortFailure,
  needsCheck,
  portRegionHint,
} from "../../../src/pipeline/preflight";
import { makeResource } from "../../helpers/load-fixtures";

const NONE: PaginationSettings = { type: "none", pageSize: 100, param: "after", sizeParam: "page_size", cursorPath: "pagination_meta.after", hasMorePath: undefined, startPage: 1 };

function withParent(resource: ResourceMapping, endpoint: string): ResourceMapping {
  const parameter = { name: "catalog_type_id", endpoint, queryParams: {}, dataPath: ".catalog_types", field: ".id", filter: undefined, pagination: NONE };
  return { ...resource, selector: { ...resource.selector, pathParameters: [parameter] } };
}

const entries = withParent(makeResource("/v3/catalog_entries?catalog_type_id={catalog_type_id}", "entry"), "/v3/catalog_types");
const severities: ResourceMapping = { ...makeResource("/v1/severities", "severity"), selector: { ...makeResource("/v1/severities", "severity").selector, pagination: NONE } };

describe("chooseProbeRequest", () => {
  it.each<{ name: string; resources: ResourceMapping[]; expected: ReturnType<typeof chooseProbeRequest> }>([
    {
      name: "reads one record of the first resource's first page",
      resources: [makeResource("/v2/incidents", "incident"), makeResource("/v2/users", "user")],
      expected: { source: "incidents", path: "/v2/incidents", url: "https://api.example/v2/incidents?page_size=1" },
    },
    {
      name: "skips a resource that needs a parent's value",
      resources: [entries, makeResource("/v2/users", "user")],
      expected: { source: "users", path: "/v2/users", url: "https://api.example/v2/users?page_size=1" },
    },
    {
      name: "sends no paging parameter to an unpaginated endpoint",
      resources: [severities],
      expected: { source: "severities", path: "/v1/severities", url: "https://api.example/v1/severities" },
    },
    {
      name: "reads the parent endpoint when every resource needs a parent",
      resources: [entries],
      expected: { source: `${entries.name} path_parameters.catalog_type_id`, path: "/v3/catalog_types", url: "https://api.example/v3/catalog_types" },
    },
    { name: "reads nothing when no endpoint can be read alone", resources: [withParent(entries, "/v3/catalog_types/{x}/entries")], expected: undefined },
  ])("$name", ({ resources, expected }) => {
    expect(chooseProbeRequest("https://api.example/", resources)).toEqual(expected);
  });
});

function httpError(status: number | undefined, detail: string, retryable?: boolean): HttpError {
  return new HttpError({ stage: "extract", method: "GET", endpoint: "/v2/users", status, detail, ...(retryable === undefined ? {} : { retryable }) });
}

describe("judgeIncidentIoFailure", () => {
  const origin = "https://api.incident.io";
  it.each([
    {
      name: "an unreachable host is configuration, worth retrying, naming the base URL variable",
      auth: "bearer_token" as const,
      error: httpError(undefined, "ENOTFOUND"),
      expected: {
        isConfiguration: true,
        retryable: true,
        message:
          "Incident.io at https://api.incident.io: GET /v2/users: no response: ENOTFOUND; set OCEAN__INTEGRATION__CONFIG__BASE_URL to the API's address, or check the network and any proxy (HTTPS_PROXY)",
      },
    },
    {
      name: "an untrusted certificate is configuration that no later run fixes",
      auth: "bearer_token" as const,
      error: httpError(undefined, "SELF_SIGNED_CERT_IN_CHAIN: the server's TLS certificate is not signed by a CA this machine trusts", false),
      expected: {
        isConfiguration: true,
        retryable: false,
        message:
          "Incident.io at https://api.incident.io: GET /v2/users: no response: SELF_SIGNED_CERT_IN_CHAIN: the server's TLS certificate is not signed by a CA this machine trusts; " +
          "set OCEAN__INTEGRATION__CONFIG__BASE_URL to the API's address, or check the network and any proxy (HTTPS_PROXY)",
      },
    },
    {
      name: "a refused bearer token names the token variable",
      auth: "bearer_token" as const,
      error: httpError(401, "The API key provided is not valid"),
      expected: {
        isConfiguration: true,
        retryable: false,
        message: "Incident.io at https://api.incident.io: GET /v2/users: 401: The API key provided is not valid; check OCEAN__INTEGRATION__SECRETS__TOKEN",
      },
    },
    {
      name: "refused basic credentials name the user and password variables",
      auth: "basic" as const,
      error: httpError(401, "unauthorized"),
      expected: {
        isConfiguration: true,
        retryable: false,
        message: "Incident.io at https://api.incident.io: GET /v2/users: 401: unauthorized; check OCEAN__INTEGRATION__CONFIG__USERNAME / OCEAN__INTEGRATION__SECRETS__PASSWORD",
      },
    },
    {
      name: "a 403 names the endpoint the key may not read",
      auth: "bearer_token" as const,
      error: httpError(403, "missing scope"),
      expected: {
        isConfiguration: true,
        retryable: false,
        message:
          "Incident.io at https://api.incident.io: GET /v2/users: 403: missing scope; the key may not read /v2/users: give it that scope, or check OCEAN__INTEGRATION__SECRETS__TOKEN",
      },
    },
    {
      name: "a 503 after the retries is the service's failure, not configuration",
      auth: "bearer_token" as const,
      error: httpError(503, "down"),
      expected: {
        isConfiguration: false,
        retryable: true,
        message: "Incident.io at https://api.incident.io: GET /v2/users: 503: down; Incident.io is failing: the extract retries it on its own",
      },
    },
    {
      name: "a dropped connection reached the host: the service's failure, not configuration",
      auth: "bearer_token" as const,
      error: httpError(undefined, "ECONNRESET"),
      expected: {
        isConfiguration: false,
        retryable: true,
        message: "Incident.io at https://api.incident.io: GET /v2/users: no response: ECONNRESET; the connection dropped: the extract retries it on its own",
      },
    },
  ])("$name", ({ auth, error, expected }) => {
    expect(judgeIncidentIoFailure(origin, auth, error)).toEqual(expected);
  });
});

describe("judgePortFailure", () => {
  it("refused credentials at the EU host suggest the US host", () => {
    const failure = judgePortFailure("https://api.port.io", new ConfigError(["OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET: Port refused them (401)"]));
    expect(failure).toEqual({
      isConfiguration: true,
      retryable: false,
      message:
        "Port at https://api.port.io: OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET: Port refused them (401); " +
        "a client of one Port region is refused by the other (EU https://api.port.io, US https://api.us.port.io): " +
        "if your organization is in the US region, set OCEAN__PORT__BASE_URL=https://api.us.port.io",
    });
  });

  it("an unreachable host names the request and the base URL variable", () => {
    const error = new HttpError({ stage: "load", method: "POST", endpoint: "/v1/auth/access_token", status: undefined, detail: "ECONNREFUSED" });
    const failure = judgePortFailure("http://127.0.0.1:9", error);
    expect(failure.isConfiguration).toBe(true);
    expect(failure.message).toContain("Port at http://127.0.0.1:9: POST /v1/auth/access_token: no response: ECONNREFUSED; check OCEAN__PORT__BASE_URL");
  });

  it.each(["ECONNRESET", "ETIMEDOUT"])("a connection that reached Port and dropped (%s) is Port's failure, not configuration", (code) => {
    const error = new HttpError({ stage: "load", method: "POST", endpoint: "/v1/auth/access_token", status: undefined, detail: code });
    expect(judgePortFailure("https://api.port.io", error)).toMatchObject({ isConfiguration: false, retryable: true });
  });

  it("a 503 after the retries is Port's failure", () => {
    const error = new HttpError({ stage: "load", method: "GET", endpoint: "/v1/blueprints", status: 503, detail: "down" });
    expect(judgePortFailure("https://api.us.port.io", error)).toMatchObject({ isConfiguration: false, retryable: true });
  });
});

describe("portRegionHint", () => {
  it.each([
    { base: "https://api.us.port.io/", expected: "if your organization is in the EU region, set OCEAN__PORT__BASE_URL=https://api.port.io" },
    { base: "https://api.port.io", expected: "if your organization is in the US region, set OCEAN__PORT__BASE_URL=https://api.us.port.io" },
    { base: "http://127.0.0.1:4000", expected: "OCEAN__PORT__BASE_URL is http://127.0.0.1:4000" },
  ])("$base", ({ base, expected }) => {
    expect(portRegionHint(base)).toContain(expected);
  });
});

describe("needsCheck", () => {
  it.each([
    { command: "run", reconcile: false, expected: { incidentIo: true, port: true } },
    { command: "extract", reconcile: false, expected: { incidentIo: true, port: false } },
    { command: "transform", reconcile: false, expected: { incidentIo: false, port: false } },
    { command: "plan", reconcile: false, expected: { incidentIo: false, port: false } },
    { command: "plan", reconcile: true, expected: { incidentIo: false, port: true } },
    { command: "load", reconcile: false, expected: { incidentIo: false, port: true } },
  ] as const)("$command (reconcile $reconcile)", ({ command, reconcile, expected }) => {
    expect(needsCheck(command, reconcile)).toEqual(expected);
  });
});
