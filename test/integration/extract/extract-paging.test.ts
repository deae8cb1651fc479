import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { extract } from "../../../src/extract";
import type { IncidentIoSettings, NetworkSettings } from "../../../src/model/config";
import type { ResourceMapping } from "../../../src/model/mapping";
import type { PaginationSettings } from "../../../src/model/pagination";
import { Secret } from "../../../src/model/secret";
import { sendJson, startLoopbackServer } from "../../../src/sandbox/shared/loopback-server";
import { openTestDb } from "../../helpers/open-test-db";
import { CURSOR_PAGINATION } from "../../helpers/pagination";
import type { JqRunner } from "../../../src/jq/jq-runner";
import { configFor, recordProgress, runExtract, startSandbox } from "./harness";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NETWORK: NetworkSettings = { caFile: undefined, extraCaFile: undefined, verifyTls: true, httpsProxy: undefined, httpProxy: undefined, noProxy: undefined, timeoutMs: 5000 };
// Simple expressions run in-process; a runner that throws proves no jq process is needed for them.
const NO_JQ: JqRunner = {
  version: "none",
  runJson: () => Promise.reject(new Error("jq must not run for simple expressions")),
  runText: () => Promise.reject(new Error("jq must not run for simple expressions")),
};
const RECORDS = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, name: `record ${i}` }));

interface Served {
  readonly query: URLSearchParams;
  readonly apiKey: string | undefined;
}

/** A non-Incident.io API that pages RECORDS by offset (array pages) or by page number (object pages with has_more). */
async function startPagedApi(): Promise<{ baseUrl: string; served: Served[] }> {
  const served: Served[] = [];
  const server = await startLoopbackServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    served.push({ query: url.searchParams, apiKey: req.headers["x-api-key"] as string | undefined });
    if (req.headers["x-api-key"] !== "k-123") return sendJson(res, 401, { error: "no key" });
    if (url.pathname === "/by-offset") {
      const offset = Number(url.searchParams.get("offset"));
      const limit = Number(url.searchParams.get("limit"));
      return sendJson(res, 200, RECORDS.slice(offset, offset + limit));
    }
    const page = Number(url.searchParams.get("page"));
    const size = Number(url.searchParams.get("size"));
    return sendJson(res, 200, { data: RECORDS.slice((page - 1) * size, page * size), has_more: page * size < RECORDS.length });
  });
  cleanups.push(() => server.close());
  return { baseUrl: server.baseUrl, served };
}

function resource(kind: string, pagination: PaginationSettings, dataPath: string | undefined): ResourceMapping {
  return {
    index: 0,
    kind,
    name: kind.slice(1),
    selector: { query: "true", dataPath, queryParams: {}, pathParameters: [], pagination },
    itemsToParse: undefined,
    itemsToParseName: "item",
    mappings: { identifier: ".id", title: ".name", blueprint: '"thing"', icon: undefined, team: undefined, properties: {}, relations: {} },
  };
}

describe("extract with Ocean's other paging schemes", () => {
  it("pages by offset and by page number, sending the API key header", async () => {
    const api = await startPagedApi();
    const { db } = openTestDb();
    const settings: IncidentIoSettings = {
      baseUrl: api.baseUrl,
      auth: { type: "api_key", header: "X-API-Key", key: new Secret("k-123") },
      pagination: CURSOR_PAGINATION,
      requestsPerMinute: 6000,
      maxAttempts: 2,
      dropFields: ["secret_token"],
      pageBound: { minPages: 1000, factor: 10, firstReadPages: 100_000 },
    };
    const offset: PaginationSettings = { ...settings.pagination, type: "offset", pageSize: 2, param: "offset", sizeParam: "limit" };
    const page: PaginationSettings = { ...settings.pagination, type: "page", pageSize: 2, param: "page", sizeParam: "size", startPage: 1 };
    const summary = await extract(
      { db, progress: recordProgress(), jq: NO_JQ },
      {
        runId: 1,
        settings,
        network: NETWORK,
        userAgent: "etl-test",
        resources: [resource("/by-offset", offset, undefined), resource("/by-page", page, ".data")],
        incremental: { fullEveryRuns: 24, fullEveryHours: 24, lookbackMinutes: 10, alertsByIdMax: 200 },
        fullRefresh: false,
      },
    );
    expect(summary.kinds.map((k) => [k.kind, k.status, k.pages, k.records])).toEqual([
      ["/by-offset", "complete", 3, 5],
      ["/by-page", "complete", 3, 5],
    ]);
    const pagesOf = (name: string) => api.served.filter((s) => s.query.has(name)).map((s) => s.query.get(name));
    expect(pagesOf("offset")).toEqual(["0", "2", "4"]);
    expect(pagesOf("page")).toEqual(["1", "2", "3"]);
    expect(new Set(api.served.map((s) => s.apiKey))).toEqual(new Set(["k-123"]));
  });
});

describe("extract with a refused API key", () => {
  it("fails every kind at once with the status and a hint, without retrying", async () => {
    const sandbox = await startSandbox({ scale: "tiny" });
    const { db } = openTestDb();
    const config = configFor(sandbox, { env: { OCEAN__INTEGRATION__SECRETS__TOKEN: "inc_wrong_key" } });
    const summary = await runExtract(db, config, { only: ["users", "severities"] });
    expect(summary.kinds.map((k) => [k.name, k.status, k.requests])).toEqual([
      ["users", "failed", 1],
      ["severities", "failed", 1],
    ]);
    expect(summary.kinds[1]?.error).toMatch(/^GET \/v1\/severities: 401: .+ \(the API key was refused: check OCEAN__INTEGRATION__SECRETS__TOKEN\)$/);
    expect(JSON.stringify(summary)).not.toContain("inc_wrong_key");
  });
});
