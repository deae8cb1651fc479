import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { applyFault, FaultPlan } from "../shared/faults";
import { readBody, sendJson, startLoopbackServer } from "../shared/loopback-server";
import { parseQuery, type RecordedRequest } from "../shared/request-log";
import { createIncidentIoDataset, type IncidentIoDataset } from "./dataset";
import { notFoundBody, rateLimitBody, statusBody, unauthorizedBody } from "./error-bodies";
import type { JsonObject } from "./json";
import type { OpenAlerts } from "./generate/context";
import { answerControl, CONTROL_PREFIX } from "./control-routes";
import { applyPageFault, pageFaultQuery, type PageFault, type PageFaultState } from "./page-faults";
import { singleValue } from "./paging";
import { decideRateLimit, retryAfterSeconds, type TokenBucket } from "./rate-limiter";
import { ALL_SCOPES, answerRoute, matchRoute } from "./routes";
import type { DatasetCounts, ScalePreset } from "./scale";
import { attachWebhooks, type SandboxWebhookOptions, type SandboxWebhooks } from "./webhook-outbox";

export interface IncidentIoSandboxOptions {
  /** Dataset seed (default 1). */
  seed?: number;
  /** Dataset size (default `demo`). */
  scale?: ScalePreset | DatasetCounts;
  /** Which alerts are open (default `never-updated`; `few` for an organization's realistic share). */
  openAlerts?: OpenAlerts;
  /** The only API key accepted (default `inc_sandbox_token`). */
  token?: string;
  /** Added to every request (default 0); also settable later on the handle. */
  latencyMs?: number;
  /** Per-key budget; unlimited when absent. `timeScale: 60` makes a "minute" last one real second. */
  rateLimit?: { requestsPerMinute: number; timeScale?: number; retryAfterForm?: "seconds" | "http-date" };
  /** Serve HTTPS with this PEM key and certificate. */
  tls?: { key: string; cert: string };
  /** Scopes the key holds (default: every scope the served routes need); a route needing another answers 403. */
  scopes?: readonly string[];
  /** Paths answered 404 as if the API had no such route, e.g. `/v3/follow_ups` (an API older than it). */
  notServed?: readonly string[];
  /** Post signed events of the dataset's changes here, as Incident.io's webhooks do; also settable later on the handle. */
  webhooks?: SandboxWebhookOptions;
}

export interface IncidentIoSandbox {
  readonly baseUrl: string;
  readonly token: string;
  readonly dataset: IncidentIoDataset;
  /** Faults to inject; routes are written `"GET /v2/alerts"`. */
  readonly faults: FaultPlan;
  /** Every request served, in arrival order; clear it with `requests.length = 0`. */
  readonly requests: RecordedRequest[];
  latencyMs: number;
  /** The key's scopes, editable at run time. */
  readonly scopes: Set<string>;
  /** Paths answered 404 as if the API had no such route, editable at run time. */
  readonly notServed: Set<string>;
  /** Makes the list at `path` (`"/v2/users"`) page wrongly from its next request on, or normally again (undefined). */
  setPageFault(path: string, fault: PageFault | undefined): void;
  /** The events the dataset's changes post, their delivery counters and attempts. */
  readonly webhooks: SandboxWebhooks;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = "inc_sandbox_token";
/** The real API's documented budget per key, reported in injected 429 bodies when no limiter is configured. */
const DEFAULT_LIMIT = 1200;
const BEARER = /^Bearer\s+(.+)$/i;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The header value saying "retry in `seconds`", as delta-seconds or as the equivalent HTTP date. */
function retryAfterHeader(seconds: number, form: "seconds" | "http-date", nowMs: number): string {
  return form === "seconds" ? String(seconds) : new Date(nowMs + seconds * 1000).toUTCString();
}

/**
 * Starts a stand-in for the Incident.io API on 127.0.0.1 (port chosen by the OS), serving a generated
 * dataset with the real API's paging, filters, errors and limits. Close it with `close()`.
 */
export async function startIncidentIoSandbox(options: IncidentIoSandboxOptions = {}): Promise<IncidentIoSandbox> {
  const dataset = createIncidentIoDataset({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(options.openAlerts === undefined ? {} : { openAlerts: options.openAlerts }),
  });
  const token = options.token ?? DEFAULT_TOKEN;
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  const scopes = new Set<string>(options.scopes ?? ALL_SCOPES);
  const notServed = new Set<string>(options.notServed ?? []);
  const pageFaults = new Map<string, { fault: PageFault; state: PageFaultState }>();
  const state = { latencyMs: options.latencyMs ?? 0 };
  const limit = options.rateLimit;
  const retryForm = limit?.retryAfterForm ?? "seconds";
  const buckets = new Map<string, TokenBucket>();
  const webhooks = attachWebhooks(dataset);
  if (options.webhooks) await webhooks.configure(options.webhooks);
  let changeSerial = 0;
  const control = { dataset, webhooks, nextSerial: () => (changeSerial += 1) };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = (req.method ?? "GET").toUpperCase();
    // Not the API: neither logged with its requests nor subject to its faults, latency and limits.
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      const presented = BEARER.exec(req.headers.authorization ?? "")?.[1]?.trim();
      if (presented !== token) return sendJson(res, 401, unauthorizedBody(presented === undefined));
      const answer = await answerControl(method, url.pathname, url.searchParams, await readBody(req), control);
      return sendJson(res, answer.status, answer.body);
    }
    const entry: RecordedRequest = { method, path: url.pathname, query: parseQuery(url.searchParams), headers: req.headers, status: 0, at: Date.now() };
    requests.push(entry);
    const send = (status: number, body: JsonObject, headers: Record<string, string> = {}): void => {
      entry.status = status;
      sendJson(res, status, body, headers);
    };
    try {
      if (state.latencyMs > 0) await sleep(state.latencyMs);
      const fault = faults.take(method, url.pathname);
      if (fault) {
        const retry = fault.type === "status" ? fault.retryAfter : undefined;
        const retryAt = new Date(Date.now() + (retry?.seconds ?? 1) * 1000);
        entry.status = fault.type === "status" || fault.type === "raw" ? fault.status : fault.type === "malformed" ? 200 : 0;
        if (await applyFault(res, fault, (status) => statusBody(status, retryAt, retry?.form ?? retryForm, limit?.requestsPerMinute ?? DEFAULT_LIMIT))) return;
      }
      const presented = BEARER.exec(req.headers.authorization ?? "")?.[1]?.trim();
      if (presented !== token) {
        send(401, unauthorizedBody(presented === undefined));
        return;
      }
      if (limit) {
        const decision = decideRateLimit(buckets.get(presented), { requestsPerMinute: limit.requestsPerMinute, timeScale: limit.timeScale ?? 1 }, performance.now());
        buckets.set(presented, decision.bucket);
        if (!decision.allowed) {
          const nowMs = Date.now();
          const seconds = retryAfterSeconds(decision.waitMs);
          send(429, rateLimitBody(limit.requestsPerMinute, new Date(nowMs + seconds * 1000), retryForm), { "retry-after": retryAfterHeader(seconds, retryForm, nowMs) });
          return;
        }
      }
      const matched = method === "GET" && !notServed.has(url.pathname) ? matchRoute(url.pathname) : undefined;
      if (!matched) {
        send(404, notFoundBody(`${method} ${url.pathname}`));
        return;
      }
      const paging = pageFaults.get(url.pathname);
      const query = paging ? pageFaultQuery(paging.fault, entry.query) : entry.query;
      const result = answerRoute(matched.route, { dataset, query, params: matched.params }, scopes);
      const body = paging && result.status === 200 ? applyPageFault(paging.fault, paging.state, singleValue(entry.query["after"]), result.body) : result.body;
      send(result.status, body);
    } catch (error) {
      // The loopback server answers 500 with the message; the log should say so too.
      entry.status = 500;
      throw error;
    }
  };

  const server = await startLoopbackServer(handle, options.tls ? { tls: options.tls } : {});
  return {
    baseUrl: server.baseUrl,
    token,
    dataset,
    faults,
    requests,
    scopes,
    notServed,
    setPageFault(path, fault) {
      if (fault === undefined) pageFaults.delete(path);
      else pageFaults.set(path, { fault, state: { handed: [] } });
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    webhooks,
    close: async () => {
      await webhooks.close();
      await server.close();
    },
  };
}
