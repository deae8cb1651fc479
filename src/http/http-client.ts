import type { Agent } from "node:http";
import { fetch } from "cross-fetch";
import { HttpError } from "../errors";
import type { NetworkSettings } from "../model/config";
import type { Origin } from "../model/stage";
import { raceAbort, waitUnlessAborted } from "./abortable-wait";
import { createAgentPool } from "./agents";
import { createHostVerdicts, type HostVerdicts } from "./host-verdicts";
import { describeNetworkFailure, describeUnreachable } from "./network-failure";
import { chooseProxy } from "./proxy";
import type { RequestBudget } from "./request-budget";
import { DEFAULT_MAX_RETRY_WAIT_MS, isRetryableNetworkCode, isRetryableStatus, isUnreachableCode, planRetry, type AttemptOutcome } from "./retry-policy";

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** JSON-serialized by the client. */
  body?: unknown;
  /** Per attempt; defaults to `network.timeoutMs`. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
  /** Parses `text`; throws on malformed JSON. */
  json(): unknown;
}

export interface RetryInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  /** undefined when the attempt got no response. */
  status: number | undefined;
  /** What failed, and where: `429 from GET /v2/alerts`, `ECONNRESET from POST /v1/...`. */
  reason: string;
  /** The line for the progress: `429 from GET /v2/alerts: waiting 12 s (attempt 2 of 8)`. */
  message: string;
}

export interface HttpClientOptions {
  stage: Origin;
  network: NetworkSettings;
  userAgent: string;
  maxAttempts: number;
  budget?: RequestBudget;
  /** Called before each wait between attempts, so the wait shows in the progress. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * The run's signal (SIGTERM, SIGINT): it cuts every wait short (between attempts, for the budget)
   * and a request not yet sent or waiting to retry then fails as interrupted. An attempt in flight
   * runs to its answer or its timeout.
   */
  signal?: AbortSignal | undefined;
  /** Shared by the clients of one run, so a host found unreachable fails every request to it at once. Defaults to this client's own. */
  hosts?: HostVerdicts;
  /** The setting that holds the base URL, named when its host cannot be reached (e.g. OCEAN__PORT__BASE_URL). */
  baseUrlSetting?: string;
}

export interface HttpClient {
  /**
   * Sends `request`, retrying 408, 429, 5xx, resets and timeouts within `maxAttempts` and the
   * network's bound on waiting (`maxRetryWaitMs`); a host that never answered and cannot be reached
   * fails at once. Returns any other response (2xx, 3xx, other 4xx) for the caller to interpret.
   * `where` names the request in errors: a path and the cursor.
   */
  send(request: HttpRequest, where: { endpoint: string; cursor?: string }): Promise<HttpResponse>;
  /** Closes pooled connections. */
  close(): void;
}

/** The subset of node-fetch (behind cross-fetch) this client uses: it takes an `agent`, which the DOM typings lack. */
type NodeFetch = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    agent: Agent;
    signal: AbortSignal;
    redirect: "manual";
  },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

const nodeFetch = fetch as unknown as NodeFetch;
const DETAIL_LENGTH = 200;

type Attempt = { readonly type: "response"; readonly response: HttpResponse } | { readonly type: "network"; readonly code: string; readonly detail: string };

function toResponse(status: number, headers: { get(name: string): string | null }, text: string): HttpResponse {
  return { status, headers, text, json: () => JSON.parse(text) as unknown };
}

/** A failure's code without its message: node-fetch's messages quote the whole URL, query string included. */
function networkCode(error: unknown): string {
  if (error !== null && typeof error === "object") {
    const { code, errno } = error as { code?: unknown; errno?: unknown };
    if (typeof code === "string" && code !== "") return code;
    if (typeof errno === "string" && errno !== "") return errno;
  }
  return "network error";
}

/** A short, single-line excerpt of an error body. */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > DETAIL_LENGTH ? `${line.slice(0, DETAIL_LENGTH)}…` : line;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * An HTTP client over cross-fetch with keep-alive pools, HTTPS_PROXY/NO_PROXY, extra CAs and the
 * TLS opt-out of `network`. Every attempt takes from `budget`, runs under its own timeout, and
 * failures are retried with backoff up to `maxAttempts` and `network.maxRetryWaitMs` of waiting in
 * all; `signal` cuts any wait short. Then `send` throws an HttpError that names the method, path and
 * cursor (and, for a host that cannot be reached, the host and `baseUrlSetting`) but never a header
 * value or the query string.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive whole number, got ${options.maxAttempts}`);
  }
  const agents = createAgentPool(options.network);

  async function attemptOnce(request: HttpRequest, url: URL, headers: Record<string, string>, body: string | undefined): Promise<Attempt> {
    const timeoutMs = request.timeoutMs ?? options.network.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await nodeFetch(url.href, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        agent: agents.agentFor(url),
        signal: controller.signal,
        redirect: "manual",
      });
      const text = await response.text();
      return { type: "response", response: toResponse(response.status, response.headers, text) };
    } catch (error) {
      if (controller.signal.aborted) return { type: "network", code: "ETIMEDOUT", detail: `timed out after ${timeoutMs} ms` };
      const code = networkCode(error);
      return { type: "network", code, detail: describeNetworkFailure(code) };
    } finally {
      clearTimeout(timer);
    }
  }

  const hosts = options.hosts ?? createHostVerdicts();
  const maxWaitMs = options.network.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const { signal } = options;

  return {
    async send(request, where) {
      const url = new URL(request.url);
      const endpoint = where.endpoint.split("?")[0] ?? where.endpoint;
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const headers: Record<string, string> = {
        accept: "application/json",
        "user-agent": options.userAgent,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        // Lower-cased so a caller's `Accept` replaces the default instead of being sent beside it.
        ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
      };
      const route = `${request.method} ${endpoint}`;
      const fail = (status: number | undefined, detail: string, extra: { retryable?: boolean; interrupted?: boolean } = {}): HttpError =>
        new HttpError({ stage: options.stage, method: request.method, endpoint, cursor: where.cursor, status, detail, ...extra });
      const interrupted = (what: string): HttpError => fail(undefined, `interrupted ${what}`, { retryable: true, interrupted: true });
      const unreachable = (code: string): string => {
        const proxy = chooseProxy(url, options.network);
        return describeUnreachable(code, url.host, { via: proxy === undefined ? undefined : new URL(proxy).host, setting: options.baseUrlSetting });
      };

      let waitedMs = 0;
      let lastFailure = "";
      for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
        const known = hosts.unreachable(url.origin);
        if (known !== undefined) throw fail(undefined, known, { retryable: false });
        if (signal?.aborted) throw interrupted(attempt === 1 ? "before it was sent" : `while waiting to retry (${lastFailure})`);
        if (options.budget && !(await raceAbort(options.budget.take(), signal))) throw interrupted("while waiting for the request budget");
        const result = await attemptOnce(request, url, headers, body);
        if (result.type === "response") hosts.recordAnswer(url.origin);
        const outcome: AttemptOutcome =
          result.type === "response"
            ? { type: "response", status: result.response.status, headers: result.response.headers }
            : { type: "network", code: result.code };
        const decision = planRetry(outcome, {
          attempt,
          maxAttempts: options.maxAttempts,
          waitedMs,
          maxWaitMs,
          hasReachedHost: hosts.hasAnswered(url.origin),
          nowMs: Date.now(),
          random: Math.random(),
        });
        if (!decision.retry) {
          const tries = attempt > 1 ? ` (after ${attempt} attempts)` : "";
          const why = decision.why === undefined ? "" : `: ${decision.why}`;
          if (result.type === "network") {
            if (isUnreachableCode(result.code) && !hosts.hasAnswered(url.origin)) {
              const verdict = unreachable(result.code);
              hosts.recordUnreachable(url.origin, verdict);
              throw fail(undefined, `${verdict}${tries}`, { retryable: false });
            }
            throw fail(undefined, `${result.detail}${why}${tries}`, { retryable: isRetryableNetworkCode(result.code) });
          }
          if (isRetryableStatus(result.response.status)) throw fail(result.response.status, `${excerpt(result.response.text)}${why}${tries}`);
          return result.response;
        }
        const status = result.type === "response" ? result.response.status : undefined;
        lastFailure = `${result.type === "network" ? result.code : result.response.status} from ${route}`;
        options.onRetry?.({
          attempt,
          maxAttempts: options.maxAttempts,
          delayMs: decision.delayMs,
          status,
          reason: lastFailure,
          message: `${lastFailure}: waiting ${formatSeconds(decision.delayMs)} (attempt ${attempt + 1} of ${options.maxAttempts})`,
        });
        waitedMs += decision.delayMs;
        if (!(await waitUnlessAborted(decision.delayMs, signal))) throw interrupted(`while waiting to retry (${lastFailure})`);
      }
      // The loop returns or throws on its last attempt, since planRetry never retries past maxAttempts.
      throw fail(undefined, "no attempt made");
    },
    close() {
      agents.destroy();
    },
  };
}
