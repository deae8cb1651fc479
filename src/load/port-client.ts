import { ConfigError, HttpError } from "../errors";
import { createHttpClient, type HttpRequest, type HttpResponse } from "../http/http-client";
import { parseRateLimitReset } from "../http/retry-after";
import type { NetworkSettings, PortSettings } from "../model/config";
import { decideRateLimitPause, isTokenStale, readCount, reserveStart } from "./port-pacing";

/** Port's answer: its status and parsed JSON body (undefined when the body is empty or not JSON). */
export interface PortReply {
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
  close(): void;
}

interface AccessToken {
  readonly header: string;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

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

/** Reads the access-token answer, or undefined when it lacks a token or a lifetime. */
function readToken(body: unknown, now: number): AccessToken | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const { accessToken, expiresIn, tokenType } = body as Record<string, unknown>;
  if (typeof accessToken !== "string" || accessToken === "" || typeof expiresIn !== "number" || !(expiresIn > 0)) return undefined;
  const lifetimeMs = expiresIn * 1000;
  return { header: `${typeof tokenType === "string" && tokenType !== "" ? tokenType : "Bearer"} ${accessToken}`, expiresAt: now + lifetimeMs, lifetimeMs };
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
  let nextStart = 0;
  let spacingMs = 0;
  const http = createHttpClient({
    stage: "load",
    network: options.network,
    userAgent: options.userAgent,
    maxAttempts: options.port.maxAttempts,
    budget: {
      take: async () => {
        const reserved = reserveStart(nextStart, Date.now(), spacingMs);
        nextStart = reserved.nextAt;
        if (reserved.waitMs > 0) await sleep(reserved.waitMs);
      },
    },
  });
  const counts = { entityWrites: 0, other: 0 };

  const observe = (response: HttpResponse): void => {
    spacingMs = decideRateLimitPause({
      limit: readCount(response.headers.get("x-ratelimit-limit")),
      remaining: readCount(response.headers.get("x-ratelimit-remaining")),
      resetMs: parseRateLimitReset(response.headers.get("x-ratelimit-reset"), Date.now()),
    });
  };

  const fetchToken = async (): Promise<AccessToken> => {
    const { clientId, clientSecret } = options.port;
    const missing = [
      ...(clientId === undefined ? ["OCEAN__PORT__CLIENT_ID: required to write to Port"] : []),
      ...(clientSecret === undefined ? ["OCEAN__PORT__CLIENT_SECRET: required to write to Port"] : []),
    ];
    if (missing.length > 0 || clientId === undefined || clientSecret === undefined) throw new ConfigError(missing);
    counts.other += 1;
    const response = await http.send(
      { method: "POST", url: `${base}${TOKEN_PATH}`, body: { clientId, clientSecret: clientSecret.reveal() } },
      { endpoint: TOKEN_PATH },
    );
    observe(response);
    const body = parseBody(response.text);
    if (response.status === 401 || response.status === 403) {
      const detail = body !== null && typeof body === "object" ? (body as Record<string, unknown>)["message"] : undefined;
      throw new ConfigError([
        `OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET: Port refused them (${response.status}${typeof detail === "string" ? `: ${detail}` : ""}) at ${base}; check the credentials and the region`,
      ]);
    }
    const issued = response.status === 200 ? readToken(body, Date.now()) : undefined;
    if (!issued) {
      throw new HttpError({ stage: "load", method: "POST", endpoint: TOKEN_PATH, status: response.status, detail: "no access token in Port's answer", retryable: false });
    }
    return issued;
  };

  // The token being fetched or held; `value` is set once it arrives, so a 401 replaces only the token it was sent with.
  let slot: { readonly promise: Promise<AccessToken>; value?: AccessToken } | undefined;
  const startFetch = (): NonNullable<typeof slot> => {
    const started: NonNullable<typeof slot> = { promise: fetchToken() };
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
  const currentToken = async (): Promise<AccessToken> => {
    const held = await (slot ?? startFetch()).promise;
    if (!isTokenStale(held, Date.now())) return held;
    // Every caller that finds the token stale at this moment shares one refresh.
    if (slot?.value === held) startFetch();
    return (slot ?? startFetch()).promise;
  };
  const invalidate = (used: AccessToken): void => {
    if (slot?.value === used) slot = undefined;
  };

  const send = async (call: Call): Promise<PortReply> => {
    counts[call.purpose] += 1;
    const search = call.query ? `?${new URLSearchParams(call.query).toString()}` : "";
    const request = (header: string): HttpRequest => ({
      method: call.method,
      url: `${base}${call.path}${search}`,
      headers: { authorization: header },
      ...(call.body === undefined ? {} : { body: call.body }),
    });
    const used = await currentToken();
    let response = await http.send(request(used.header), { endpoint: call.path });
    observe(response);
    if (response.status === 401) {
      // Expired or revoked early: replace the token unless another request already did.
      invalidate(used);
      const fresh = await currentToken();
      response = await http.send(request(fresh.header), { endpoint: call.path });
      observe(response);
      if (response.status === 401) {
        throw new HttpError({ stage: "load", method: call.method, endpoint: call.path, status: 401, detail: "Port refused a fresh access token", retryable: false });
      }
    }
    return { status: response.status, body: parseBody(response.text) };
  };

  return {
    requestCounts: counts,
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
    close: () => http.close(),
  };
}
