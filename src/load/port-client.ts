import { ConfigError, HttpError } from "../errors";
import { waitUnlessAborted } from "../http/abortable-wait";
import { createHttpClient, type HttpRequest, type HttpResponse } from "../http/http-client";
import { parseRateLimitReset } from "../http/retry-after";
import type { NetworkSettings, PortSettings } from "../model/config";
import { Secret } from "../model/secret";
import { decideRateLimitPause, isTokenStale, readCount, reserveStart } from "./port-pacing";
import { readOrganizationId } from "./token-claims";

/** Port's answer: its status and parsed JSON body (undefined when the body is empty or not JSON). */
interface PortReply {
  readonly status: number;
  readonly body: unknown;
}

export interface UpsertFlags {
  readonly merge: boolean;
  readonly createMissingRelatedEntities: boolean;
}

export interface PortClientOptions {
  readonly port: PortSettings;
  readonly network: NetworkSettings;
  readonly userAgent: string;
  /** The run's signal (SIGTERM, SIGINT): cuts every wait short; a request then fails as interrupted. */
  readonly signal?: AbortSignal | undefined;
  /** Told of every wait before a retry (`429 from POST /v1/...: waiting 12 s (attempt 2 of 8)`), for the progress. */
  readonly onWait?: (message: string) => void;
}

/** The Port routes the load stage uses. Every method returns Port's answer unless the request could not be made at all. */
export interface PortClient {
  /** Requests sent so far, by purpose (one per call: the HTTP client's retries and the 401 retry are not counted). */
  readonly requestCounts: { readonly entityWrites: number; readonly other: number };
  listBlueprints(): Promise<PortReply>;
  createBlueprint(blueprint: unknown): Promise<PortReply>;
  patchBlueprint(identifier: string, patch: unknown): Promise<PortReply>;
  getIntegration(identifier: string): Promise<PortReply>;
  createIntegration(body: unknown): Promise<PortReply>;
  patchIntegrationConfig(identifier: string, config: unknown): Promise<PortReply>;
  postKindExamples(identifier: string, kind: string, examples: readonly unknown[]): Promise<PortReply>;
  upsertEntities(blueprint: string, entities: readonly unknown[], flags: UpsertFlags): Promise<PortReply>;
  deleteEntities(blueprint: string, identifiers: readonly string[], deleteDependents: boolean): Promise<PortReply>;
  searchEntities(blueprint: string, from: string | undefined, limit: number): Promise<PortReply>;
  /** The organization id Port's access token names (fetching one if none is held), or undefined when it names none. */
  organizationId(): Promise<string | undefined>;
  close(): void;
}

interface AccessToken {
  /** Registered as a secret the moment it arrives, so no text that quotes it can print it. */
  readonly token: Secret;
  readonly tokenType: string;
  readonly organizationId: string | undefined;
  readonly expiresAt: number;
  readonly lifetimeMs: number;
}

interface Call {
  readonly method: HttpRequest["method"];
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly purpose: "entityWrites" | "other";
}

const TOKEN_PATH = "/v1/auth/access_token";

function parseBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * Reads the access-token answer: undefined only when it holds no token. A lifetime that is missing,
 * not a positive number (`expiresIn: 0`) or not finite says nothing usable about when the token
 * expires, so the token is used until Port answers 401, which replaces it.
 */
export function readToken(body: unknown, now: number): AccessToken | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const { accessToken, expiresIn, tokenType } = body as Record<string, unknown>;
  if (typeof accessToken !== "string" || accessToken.trim() === "") return undefined;
  const lifetimeMs = typeof expiresIn === "number" && expiresIn > 0 && Number.isFinite(expiresIn) ? expiresIn * 1000 : Number.POSITIVE_INFINITY;
  return {
    token: new Secret(accessToken),
    tokenType: typeof tokenType === "string" && tokenType.trim() !== "" ? tokenType.trim() : "Bearer",
    organizationId: readOrganizationId(accessToken),
    expiresAt: now + lifetimeMs,
    lifetimeMs,
  };
}

/** Whether Port's 401 says the token is what it refused (expired, invalid), rather than the request. */
function blamesToken(body: unknown): boolean {
  if (body === null || typeof body !== "object") return false;
  const { error, message } = body as Record<string, unknown>;
  return [error, message].some((text) => typeof text === "string" && /token/i.test(text));
}

/** Port's `error: message` of an answer, or a short excerpt of a body that is not Port's JSON. */
function describeReply(body: unknown, text: string): string {
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const parts = [record["error"], record["message"]].filter((part): part is string => typeof part === "string" && part !== "");
  if (parts.length > 0) return parts.join(": ").slice(0, 300);
  const excerpt = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return excerpt === "" ? "no error message" : excerpt;
}

/**
 * A client for Port's REST API at `port.baseUrl` over the shared HTTP client (retries of 408, 429,
 * 5xx and network failures with Retry-After). It obtains an access token from the client ID and
 * secret, reuses it, replaces it shortly before it expires and again when Port answers 401 (the
 * request is then sent once more), and spaces requests out when `x-ratelimit-remaining` runs low.
 * Throws ConfigError when credentials are missing or refused, HttpError when Port cannot be reached
 * or refuses a fresh token; neither the secret nor a token ever appears in an error.
 */
export function createPortClient(options: PortClientOptions): PortClient {
  const base = options.port.baseUrl.replace(/\/+$/, "");
  // `issued` numbers requests in the order they are sent; `observed` is the newest one whose headers set the
  // spacing; `inFlight` counts those issued and not yet answered (or failed).
  const pacing = { nextStart: 0, spacingMs: 0, issued: 0, observed: 0, inFlight: 0 };
  const { onWait } = options;
  const http = createHttpClient({
    stage: "load",
    network: options.network,
    userAgent: options.userAgent,
    maxAttempts: options.port.maxAttempts,
    signal: options.signal,
    baseUrlSetting: "OCEAN__PORT__BASE_URL",
    ...(onWait ? { onRetry: (info) => onWait(info.message) } : {}),
    budget: {
      take: async () => {
        const reserved = reserveStart(pacing.nextStart, Date.now(), pacing.spacingMs);
        pacing.nextStart = reserved.nextAt;
        await waitUnlessAborted(reserved.waitMs, options.signal);
      },
    },
  });
  const counts = { entityWrites: 0, other: 0 };
  const session: Session = {
    http,
    base,
    issue: () => {
      pacing.inFlight += 1;
      return ++pacing.issued;
    },
    settle: () => {
      pacing.inFlight -= 1;
    },
    observe: (response, sent) => {
      // Answers to concurrent requests arrive in any order: an older one, counting more requests
      // remaining, must not lift the pause a newer one called for.
      if (sent < pacing.observed) return;
      pacing.observed = sent;
      pacing.spacingMs = decideRateLimitPause({
        limit: readCount(response.headers.get("x-ratelimit-limit")),
        remaining: readCount(response.headers.get("x-ratelimit-remaining")),
        resetMs: parseRateLimitReset(response.headers.get("x-ratelimit-reset"), Date.now()),
      }, pacing.inFlight - 1);
    },
  };
  const tokens = createTokenSlot(() => fetchToken(session, options.port, counts));
  const send = (call: Call): Promise<PortReply> => {
    counts[call.purpose] += 1;
    return sendCall(session, tokens, call);
  };
  return {
    requestCounts: counts,
    ...bindRoutes(send),
    organizationId: async () => (await tokens.current()).organizationId,
    close: () => http.close(),
  };
}

/** What every request of one client shares: the HTTP client, Port's base URL, and the rate-limit reader. */
interface Session {
  readonly http: ReturnType<typeof createHttpClient>;
  readonly base: string;
  /** Numbers a request about to be sent, for `observe`, and counts it in flight until `settle`. */
  readonly issue: () => number;
  readonly settle: () => void;
  /** Reads the rate-limit headers of the answer to request number `sent`, to space the next requests out. */
  readonly observe: (response: HttpResponse, sent: number) => void;
}

/** Sends one request counted in flight until it is answered or fails, and reads its rate-limit headers. */
async function sendPaced(session: Session, request: HttpRequest, endpoint: string): Promise<HttpResponse> {
  const sent = session.issue();
  try {
    const response = await session.http.send(request, { endpoint });
    session.observe(response, sent);
    return response;
  } finally {
    session.settle();
  }
}

/**
 * Asks Port for an access token with the client ID and secret (counted as an `other` request).
 * Throws ConfigError when either is missing or Port refuses them, HttpError on any other refusal.
 */
async function fetchToken(session: Session, port: PortSettings, counts: { other: number }): Promise<AccessToken> {
  const { clientId, clientSecret } = port;
  const missing = [
    ...(clientId === undefined ? ["OCEAN__PORT__CLIENT_ID: required to write to Port"] : []),
    ...(clientSecret === undefined ? ["OCEAN__PORT__CLIENT_SECRET: required to write to Port"] : []),
  ];
  if (missing.length > 0 || clientId === undefined || clientSecret === undefined) throw new ConfigError(missing);
  counts.other += 1;
  const response = await sendPaced(
    session,
    { method: "POST", url: `${session.base}${TOKEN_PATH}`, body: { clientId, clientSecret: clientSecret.reveal() } },
    TOKEN_PATH,
  );
  const body = parseBody(response.text);
  if (response.status === 401 || response.status === 403) {
    const detail = body !== null && typeof body === "object" ? (body as Record<string, unknown>)["message"] : undefined;
    throw new ConfigError([
      `OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET: Port refused them (${response.status}${typeof detail === "string" ? `: ${detail}` : ""}) at ${session.base}; check the credentials and the region`,
    ]);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new HttpError({ stage: "load", method: "POST", endpoint: TOKEN_PATH, status: response.status, detail: `Port refused the request (${describeReply(body, response.text)})`, retryable: false });
  }
  const issued = readToken(body, Date.now());
  if (!issued) {
    throw new HttpError({ stage: "load", method: "POST", endpoint: TOKEN_PATH, status: response.status, detail: "no access token in Port's answer", retryable: false });
  }
  return issued;
}

/** The access token of one client: fetched once and shared, refreshed when stale, replaced after a 401. */
interface TokenSlot {
  current(): Promise<AccessToken>;
  /** Drops `used` after Port refused it, unless another request already replaced it. */
  invalidate(used: AccessToken): void;
}

function createTokenSlot(fetch: () => Promise<AccessToken>): TokenSlot {
  // The token being fetched or held; `value` is set once it arrives, so a 401 replaces only the token it was sent with.
  let slot: { readonly promise: Promise<AccessToken>; value?: AccessToken } | undefined;
  const startFetch = (): NonNullable<typeof slot> => {
    const started: NonNullable<typeof slot> = { promise: fetch() };
    started.promise.then(
      (value) => {
        started.value = value;
      },
      () => {
        if (slot === started) slot = undefined;
      },
    );
    slot = started;
    return started;
  };
  return {
    current: async () => {
      const held = await (slot ?? startFetch()).promise;
      if (!isTokenStale(held, Date.now())) return held;
      // Every caller that finds the token stale at this moment shares one refresh.
      if (slot?.value === held) startFetch();
      return (slot ?? startFetch()).promise;
    },
    invalidate: (used) => {
      if (slot?.value === used) slot = undefined;
    },
  };
}

/** Sends one call with the current token; a 401 replaces the token and sends it once more. Throws HttpError when the fresh token is refused too. */
async function sendCall(session: Session, tokens: TokenSlot, call: Call): Promise<PortReply> {
  const search = call.query ? `?${new URLSearchParams(call.query).toString()}` : "";
  const request = (token: AccessToken): HttpRequest => ({
    method: call.method,
    url: `${session.base}${call.path}${search}`,
    headers: { authorization: `${token.tokenType} ${token.token.reveal()}` },
    ...(call.body === undefined ? {} : { body: call.body }),
  });
  const used = await tokens.current();
  let response = await sendPaced(session, request(used), call.path);
  if (response.status === 401) {
    // Expired or revoked early: replace the token unless another request already did.
    tokens.invalidate(used);
    const fresh = await tokens.current();
    response = await sendPaced(session, request(fresh), call.path);
    if (response.status === 401) {
      const body = parseBody(response.text);
      const detail = blamesToken(body)
        ? `Port refused a fresh access token (${describeReply(body, response.text)})`
        : `Port refused the request, with a fresh access token too (${describeReply(body, response.text)})`;
      throw new HttpError({ stage: "load", method: call.method, endpoint: call.path, status: 401, detail, retryable: false });
    }
  }
  return { status: response.status, body: parseBody(response.text) };
}

/** The Port routes, each as one call through `send`. */
function bindRoutes(send: (call: Call) => Promise<PortReply>): Omit<PortClient, "requestCounts" | "organizationId" | "close"> {
  return {
    listBlueprints: () => send({ method: "GET", path: "/v1/blueprints", purpose: "other" }),
    createBlueprint: (blueprint) => send({ method: "POST", path: "/v1/blueprints", body: blueprint, purpose: "other" }),
    patchBlueprint: (identifier, patch) => send({ method: "PATCH", path: `/v1/blueprints/${segment(identifier)}`, body: patch, purpose: "other" }),
    getIntegration: (identifier) => send({ method: "GET", path: `/v1/integration/${segment(identifier)}`, purpose: "other" }),
    createIntegration: (body) => send({ method: "POST", path: "/v1/integration", body, purpose: "other" }),
    patchIntegrationConfig: (identifier, config) =>
      send({ method: "PATCH", path: `/v1/integration/${segment(identifier)}/config`, body: { config }, purpose: "other" }),
    postKindExamples: (identifier, kind, examples) =>
      send({ method: "POST", path: `/v1/integration/${segment(identifier)}/kinds/${segment(kind)}/examples`, body: { examples }, purpose: "other" }),
    upsertEntities: (blueprint, entities, flags) =>
      send({
        method: "POST",
        path: `/v1/blueprints/${segment(blueprint)}/entities/bulk`,
        query: { upsert: "true", merge: String(flags.merge), create_missing_related_entities: String(flags.createMissingRelatedEntities) },
        body: { entities },
        purpose: "entityWrites",
      }),
    deleteEntities: (blueprint, identifiers, deleteDependents) =>
      send({
        method: "POST",
        path: `/v1/blueprints/${segment(blueprint)}/bulk/entities/delete`,
        query: { delete_dependents: String(deleteDependents) },
        body: { entities: identifiers },
        purpose: "entityWrites",
      }),
    searchEntities: (blueprint, from, limit) =>
      send({
        method: "POST",
        path: `/v1/blueprints/${segment(blueprint)}/entities/search`,
        body: { limit, ...(from === undefined ? {} : { from }) },
        purpose: "other",
      }),
  };
}
