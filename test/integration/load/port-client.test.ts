import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../../../src/errors";
import { createPortClient, readToken, type PortClient } from "../../../src/load/port-client";
import type { NetworkSettings } from "../../../src/model/config";
import { redactSecrets, Secret } from "../../../src/model/secret";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";

const NETWORK: NetworkSettings = { caFile: undefined, extraCaFile: undefined, verifyTls: true, httpsProxy: undefined, httpProxy: undefined, noProxy: undefined, timeoutMs: 5000 };
const TOKEN_ROUTE = "POST /v1/auth/access_token";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ sandbox: PortSandbox; client: (extra?: { signal?: AbortSignal; onWait?: (message: string) => void }) => PortClient }> {
  const sandbox = await startPortSandbox();
  cleanups.push(() => sandbox.close());
  const client = (extra: { signal?: AbortSignal; onWait?: (message: string) => void } = {}) => {
    const created = createPortClient({
      port: { baseUrl: sandbox.baseUrl, clientId: sandbox.clientId, clientSecret: new Secret(sandbox.clientSecret), maxAttempts: 3 },
      network: NETWORK,
      userAgent: "etl-test",
      ...extra,
    } as Parameters<typeof createPortClient>[0]);
    cleanups.push(() => created.close());
    return created;
  };
  return { sandbox, client };
}

/** A token the sandbox accepts, fetched outside the client under test. */
async function issueToken(sandbox: PortSandbox): Promise<string> {
  const answer = await fetch(`${sandbox.baseUrl}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }),
  });
  return ((await answer.json()) as { accessToken: string }).accessToken;
}

function tokenRequests(sandbox: PortSandbox): number {
  return sandbox.requests.filter((request) => request.path === "/v1/auth/access_token").length;
}

describe("readToken", () => {
  it.each([
    { name: "a token with a lifetime", body: { accessToken: "tok-with-life-1", expiresIn: 10800 }, lifetimeMs: 10_800_000 },
    { name: "a token that expires at once (expiresIn 0), kept until Port answers 401", body: { accessToken: "tok-zero-life-1", expiresIn: 0 }, lifetimeMs: Number.POSITIVE_INFINITY },
    { name: "a token without a lifetime", body: { accessToken: "tok-no-life-12" }, lifetimeMs: Number.POSITIVE_INFINITY },
    { name: "a token with an unreadable lifetime", body: { accessToken: "tok-bad-life-1", expiresIn: "soon" }, lifetimeMs: Number.POSITIVE_INFINITY },
  ])("accepts $name", ({ body, lifetimeMs }) => {
    const token = readToken(body, 0);
    expect(token?.lifetimeMs).toBe(lifetimeMs);
    expect(token?.tokenType).toBe("Bearer");
  });

  it.each([
    { name: "no token", body: { expiresIn: 3600 } },
    { name: "an empty token", body: { accessToken: " ", expiresIn: 3600 } },
    { name: "no JSON object", body: "<html>" },
  ])("finds no token in $name", ({ body }) => {
    expect(readToken(body, 0)).toBeUndefined();
  });

  it("registers the token as a secret the moment it is read", () => {
    readToken({ accessToken: "eyJ-freshly-issued-token-77", expiresIn: 3600 }, 0);
    expect(redactSecrets("Port said: eyJ-freshly-issued-token-77 is not allowed")).toBe("Port said: [redacted] is not allowed");
  });
});

describe("createPortClient's access token", () => {
  it("uses a token Port issued with expiresIn 0 instead of saying there is none", async () => {
    const { sandbox, client } = await start();
    const accessToken = await issueToken(sandbox);
    sandbox.faults.add({ route: TOKEN_ROUTE, fault: { type: "raw", status: 200, text: JSON.stringify({ ok: true, accessToken, expiresIn: 0, tokenType: "Bearer" }) } });
    const before = tokenRequests(sandbox);
    const port = client();
    expect((await port.listBlueprints()).status).toBe(200);
    expect((await port.listBlueprints()).status).toBe(200);
    expect(tokenRequests(sandbox) - before).toBe(1);
  });

  it.each([
    {
      name: "says Port refused the request when the token route answers 400",
      fault: { type: "status" as const, status: 400, body: { ok: false, error: "bad_request", message: "clientId must be a string" } },
      expected: "POST /v1/auth/access_token: 400: Port refused the request (bad_request: clientId must be a string)",
    },
    {
      name: "says there is no token only when the answer has none",
      fault: { type: "raw" as const, status: 200, text: JSON.stringify({ ok: true, expiresIn: 3600 }) },
      expected: "POST /v1/auth/access_token: 200: no access token in Port's answer",
    },
  ])("$name", async ({ fault, expected }) => {
    const { sandbox, client } = await start();
    sandbox.faults.add({ route: TOKEN_ROUTE, fault });
    const error = await client().listBlueprints().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(expected);
  });

  it("blames the request, not the token, when Port answers 401 to a fresh token without naming the token", async () => {
    const { sandbox, client } = await start();
    sandbox.faults.add({ route: "GET /v1/blueprints", times: 2, fault: { type: "status", status: 401, body: { ok: false, error: "unauthorized", message: "This client may not list blueprints" } } });
    const error = await client().listBlueprints().catch((e: unknown) => e);
    expect((error as HttpError).message).toBe("GET /v1/blueprints: 401: Port refused the request, with a fresh access token too (unauthorized: This client may not list blueprints)");
  });

  it("blames the token when Port says the fresh token is what it refuses", async () => {
    const { sandbox, client } = await start();
    // Tokens that have run out the moment they are issued: every use is answered 401 token_expired.
    sandbox.tokenTtlSeconds = 0;
    const error = await client().listBlueprints().catch((e: unknown) => e);
    expect((error as HttpError).message).toBe("GET /v1/blueprints: 401: Port refused a fresh access token (token_expired: The access token has expired)");
    expect(tokenRequests(sandbox)).toBe(2);
  });
});

describe("createPortClient's waits", () => {
  it("fails a Retry-After beyond the bound at once, saying so, and reports nothing to wait for", async () => {
    const { sandbox, client } = await start();
    sandbox.faults.add({ route: "GET /v1/blueprints", times: 10, fault: { type: "status", status: 429, retryAfter: { seconds: 999999, form: "seconds" } } });
    const waits: string[] = [];
    const started = Date.now();
    const error = await client({ onWait: (message) => waits.push(message) }).listBlueprints().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(waits).toEqual([]);
    expect((error as HttpError).message).toMatch(/^GET \/v1\/blueprints: 429: .*the server asked to wait 999999 s, more than the ETL_MAX_RETRY_WAIT_SECONDS \(300 s a request\); not retried$/);
  });

  it("reports a wait, and the signal ends it within a second", async () => {
    const { sandbox, client } = await start();
    sandbox.faults.add({ route: "GET /v1/blueprints", times: 10, fault: { type: "status", status: 503, retryAfter: { seconds: 200, form: "seconds" } } });
    const controller = new AbortController();
    const waits: string[] = [];
    const listing = client({ signal: controller.signal, onWait: (message) => waits.push(message) }).listBlueprints().catch((e: unknown) => e);
    for (let tries = 0; waits.length === 0 && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(waits).toEqual(["503 from GET /v1/blueprints: waiting 200 s (attempt 2 of 3)"]);
    const aborted = Date.now();
    controller.abort();
    expect(await listing).toMatchObject({ interrupted: true });
    expect(Date.now() - aborted).toBeLessThan(1000);
  });
});
