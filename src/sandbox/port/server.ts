import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyFault, FaultPlan } from "../shared/faults";
import { readBody, sendJson, startLoopbackServer } from "../shared/loopback-server";
import { parseQuery, type RecordedRequest } from "../shared/request-log";
import { PortCatalog } from "./catalog";
import { isJsonObject, buildPortErrorBody } from "./failure";
import { makeExamplesKey, handlePortRoute, type PortState, type Query, type Reply } from "./handlers";
import { createRateLimitBucket, takeRateLimitToken, type RateLimitBucket, type RateLimitDecision } from "./rate-limit";
import { isApiRoute, isEntityRoute, matchRoute, type MatchedRoute } from "./routes";
import type { BulkAnswerFaultRule, EntityFaultRule, PortBlueprint, PortEntity, WriteLogEntry } from "./types";

export type { PortBlueprint, PortEntity } from "./types";

// Port's documented limits (docs.port.io/api-reference/rate-limits) and body size (the spec's 413).
const ENTITY_ROUTES_LIMIT = { limit: 35_000, periodSeconds: 300 };
const OTHER_ROUTES_LIMIT = { limit: 15_000, periodSeconds: 300 };
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TOKEN_TTL_SECONDS = 3 * 60 * 60;

export interface PortSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of the tokens issued from now on (default 3 hours, as Port's). */
  tokenTtlSeconds?: number;
  /** Blueprints that exist from the start, in any order. */
  blueprints?: readonly PortBlueprint[];
  /** Added before every answer. */
  latencyMs?: number;
  /**
   * The entity routes' budget (Port: 35,000 requests per 5 minutes). Other routes keep Port's
   * 15,000 per 5 minutes, run at the same `timeScale` (sandbox seconds per real second, default 1).
   */
  rateLimit?: { limit: number; periodSeconds: number; timeScale?: number };
  tls?: { key: string; cert: string };
}

export interface PortSandbox {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Faults by route, e.g. `{route: "POST /v1/blueprints/*\/entities/bulk", fault: {type: "status", status: 413}}`; paths are matched still URL-encoded. */
  readonly faults: FaultPlan;
  /** Every request, in arrival order, with its parsed body and the status answered. */
  readonly requests: RecordedRequest[];
  /** One entry per entity written or deleted. */
  readonly writes: WriteLogEntry[];
  latencyMs: number;
  tokenTtlSeconds: number;
  blueprint(identifier: string): PortBlueprint | undefined;
  entities(blueprint: string): PortEntity[];
  entity(blueprint: string, identifier: string): PortEntity | undefined;
  integration(identifier: string): unknown;
  /** Replaces an integration's config (its mapping) as a user saving it in Port's UI would; throws when there is no such integration. */
  editIntegrationConfig(identifier: string, config: unknown): void;
  /** The examples last posted for an integration's kind (`[]` when none). */
  kindExamples(integration: string, kind: string): unknown[];
  /** Makes the next upsert(s) of one entity fail (in a bulk: an `errors[]` item in a 207, the others written). */
  failEntity(rule: EntityFaultRule): void;
  /** Makes the next bulk answer(s) about one entity name another identifier, or list it in `errors[]` too (it is written all the same). */
  misreportEntity(rule: BulkAnswerFaultRule): void;
  /** Makes every token issued so far expired; the next call with one gets 401. */
  expireTokens(): void;
  close(): Promise<void>;
}

interface Tokens {
  readonly expiresAt: Map<string, number>;
}

type ParsedBody = { readonly valid: true; readonly value: unknown } | { readonly valid: false };

function parseBody(text: string): ParsedBody {
  if (text.length === 0) return { valid: true, value: undefined };
  try {
    return { valid: true, value: JSON.parse(text) as unknown };
  } catch {
    return { valid: false };
  }
}

function replyError(status: number, error: string, message: string): Reply {
  return { status, body: { ok: false, error, message } };
}

function buildRateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(decision.limit),
    "x-ratelimit-remaining": String(decision.remaining),
    "x-ratelimit-reset": String(decision.resetSeconds),
    "x-ratelimit-period": String(decision.periodSeconds),
  };
}

function issueToken(tokens: Tokens, ttlSeconds: number, body: unknown, credentials: { clientId: string; clientSecret: string }): Reply {
  if (!isJsonObject(body) || typeof body["clientId"] !== "string" || typeof body["clientSecret"] !== "string") {
    return replyError(422, "bad_request", "The json provided does not match the route's schema: body must have required properties 'clientId' and 'clientSecret'");
  }
  if (body["clientId"] !== credentials.clientId || body["clientSecret"] !== credentials.clientSecret) {
    return replyError(401, "unauthorized", "The client ID or client secret is wrong");
  }
  const accessToken = randomBytes(24).toString("base64url");
  tokens.expiresAt.set(accessToken, Date.now() + ttlSeconds * 1000);
  return { status: 200, body: { ok: true, accessToken, expiresIn: ttlSeconds, tokenType: "Bearer" } };
}

function checkToken(tokens: Tokens, authorization: string | undefined): Reply | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(authorization ?? "");
  const expiresAt = match ? tokens.expiresAt.get(match[1] as string) : undefined;
  if (expiresAt === undefined) return replyError(401, "unauthorized", "A valid 'Authorization: Bearer <token>' header is required");
  if (expiresAt <= Date.now()) return replyError(401, "token_expired", "The access token has expired");
  return undefined;
}

/**
 * Starts a stand-in for Port's REST API on 127.0.0.1 (a free port): auth tokens, blueprints,
 * entity upserts/deletes/search with Port's validation, integrations, rate-limit headers, injected
 * faults, and logs of every request and every entity write. All state lives in memory.
 */
export async function startPortSandbox(options: PortSandboxOptions = {}): Promise<PortSandbox> {
  const credentials = { clientId: options.clientId ?? "sandbox-client-id", clientSecret: options.clientSecret ?? "sandbox-client-secret" };
  const knobs = { latencyMs: options.latencyMs ?? 0, tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS };
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  const writes: WriteLogEntry[] = [];
  const tokens: Tokens = { expiresAt: new Map() };
  const catalog = new PortCatalog(writes, credentials.clientId);
  catalog.seedBlueprints(options.blueprints ?? []);
  const state: PortState = { catalog, integrations: new Map(), examples: new Map(), entityFaults: [], answerFaults: [] };
  const started = Date.now();
  const entityLimit = options.rateLimit ?? ENTITY_ROUTES_LIMIT;
  const timeScale = options.rateLimit?.timeScale ?? 1;
  const buckets: Record<"entities" | "other", RateLimitBucket> = {
    entities: createRateLimitBucket(entityLimit.limit, entityLimit.periodSeconds, timeScale, started),
    other: createRateLimitBucket(OTHER_ROUTES_LIMIT.limit, OTHER_ROUTES_LIMIT.periodSeconds, timeScale, started),
  };

  const answer = (req: IncomingMessage, route: MatchedRoute | undefined, request: { method: string; path: string; query: Query; text: string; parsed: ParsedBody }): Reply => {
    if (Buffer.byteLength(request.text, "utf8") > MAX_BODY_BYTES) return replyError(413, "bad_request", "Request body is too large (limit is 1MiB)");
    if (!request.parsed.valid) return replyError(400, "bad_request", "The body is not valid JSON");
    if (route?.name === "createAccessToken") return issueToken(tokens, knobs.tokenTtlSeconds, request.parsed.value, credentials);
    const unauthorized = checkToken(tokens, req.headers.authorization);
    if (unauthorized) return unauthorized;
    if (!route || !isApiRoute(route)) return replyError(404, "not_found", `The sandbox does not serve ${request.method} ${request.path}`);
    return handlePortRoute(state, route, request.query, request.parsed.value);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const text = await readBody(req);
    const parsed = parseBody(text);
    const query = parseQuery(url.searchParams);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      headers: req.headers,
      ...(parsed.valid && parsed.value !== undefined ? { body: parsed.value } : {}),
      status: 0,
      at: Date.now(),
    };
    requests.push(record);
    const route = matchRoute(method, url.pathname);
    const decision = takeRateLimitToken(route && isEntityRoute(route.name) ? buckets.entities : buckets.other, Date.now());
    for (const [name, value] of Object.entries(buildRateLimitHeaders(decision))) res.setHeader(name, value);
    if (knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.latencyMs));
    const fault = faults.take(method, url.pathname);
    if (fault && (await applyFault(res, fault, buildPortErrorBody, req))) {
      record.status = res.headersSent ? res.statusCode : 0;
      return;
    }
    const reply = decision.allowed
      ? answer(req, route, { method, path: url.pathname, query, text, parsed })
      : replyError(429, "rate_limit_exceeded", `Rate limit of ${decision.limit} requests per ${decision.periodSeconds}s exceeded`);
    sendJson(res, reply.status, reply.body, decision.allowed ? {} : { "retry-after": String(decision.resetSeconds) });
    record.status = reply.status;
  };

  const server = await startLoopbackServer(handle, options.tls ? { tls: options.tls } : {});
  return {
    baseUrl: server.baseUrl,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    faults,
    requests,
    writes,
    get latencyMs() {
      return knobs.latencyMs;
    },
    set latencyMs(value: number) {
      knobs.latencyMs = value;
    },
    get tokenTtlSeconds() {
      return knobs.tokenTtlSeconds;
    },
    set tokenTtlSeconds(value: number) {
      knobs.tokenTtlSeconds = value;
    },
    blueprint: (identifier) => catalog.blueprint(identifier),
    entities: (blueprint) => catalog.entitiesOf(blueprint),
    entity: (blueprint, identifier) => catalog.entity(blueprint, identifier),
    integration: (identifier) => state.integrations.get(identifier),
    editIntegrationConfig: (identifier, config) => {
      const current = state.integrations.get(identifier);
      if (!current) throw new Error(`the Port sandbox has no integration "${identifier}"`);
      state.integrations.set(identifier, { ...current, config, updatedAt: new Date().toISOString() });
    },
    kindExamples: (integration, kind) => state.examples.get(makeExamplesKey(integration, kind)) ?? [],
    failEntity: (rule) => {
      state.entityFaults.push({ rule, remaining: rule.times ?? 1 });
    },
    misreportEntity: (rule) => {
      state.answerFaults.push({ rule, remaining: rule.times ?? 1 });
    },
    expireTokens: () => {
      for (const token of tokens.expiresAt.keys()) tokens.expiresAt.set(token, 0);
    },
    close: () => server.close(),
  };
}
