import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../../../src/errors";
import { createHostVerdicts } from "../../../src/http/host-verdicts";
import { createHttpClient, type HttpClient, type HttpClientOptions, type RetryInfo } from "../../../src/http/http-client";
import type { RequestBudget } from "../../../src/http/request-budget";
import type { NetworkSettings } from "../../../src/model/config";
import { readBody, startLoopbackServer, type LoopbackServer, type RequestHandler } from "../../../src/sandbox/shared/loopback-server";

const TOKEN = "sk_live_do-not-leak-4f2a9c";
const TLS_DIR = fileURLToPath(new URL("../../fixtures/tls/", import.meta.url));
const CERT_FILE = `${TLS_DIR}loopback-cert.pem`;

const NETWORK: NetworkSettings = {
  caFile: undefined,
  extraCaFile: undefined,
  verifyTls: true,
  httpsProxy: undefined,
  httpProxy: undefined,
  noProxy: undefined,
  timeoutMs: 5000,
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Served {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly at: number;
}

/** A loopback server whose n-th request (0-based) is answered by `answers[n]` (the last one repeats). */
async function serve(answers: readonly RequestHandler[], tls?: { key: string; cert: string }): Promise<{ server: LoopbackServer; served: Served[] }> {
  const served: Served[] = [];
  const server = await startLoopbackServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const index = served.length;
    served.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, at: Date.now() });
    const answer = answers[Math.min(index, answers.length - 1)] as RequestHandler;
    await answer(req, res);
  }, tls ? { tls } : {});
  cleanups.push(() => server.close());
  return { server, served };
}

function client(overrides: Partial<HttpClientOptions> = {}): HttpClient {
  const created = createHttpClient({ stage: "extract", network: NETWORK, userAgent: "etl-test/1.0", maxAttempts: 3, ...overrides });
  cleanups.push(() => created.close());
  return created;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): RequestHandler =>
  (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };
const reset: RequestHandler = (req) => {
  req.socket.destroy();
};
const silence =
  (ms: number): RequestHandler =>
  async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (!res.destroyed) json(200, { late: true })(_req, res);
  };

const AUTH = { authorization: `Bearer ${TOKEN}` };

describe("createHttpClient", () => {
  it("sends the method, headers and JSON body and returns the response", async () => {
    const { server, served } = await serve([json(201, { ok: true }, { "x-request-id": "r1" })]);
    const response = await client().send(
      { method: "POST", url: `${server.baseUrl}/v1/things?x=1`, headers: AUTH, body: { name: "a" } },
      { endpoint: "/v1/things" },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe("r1");
    expect(response.json()).toEqual({ ok: true });
    expect(served[0]).toMatchObject({ method: "POST", url: "/v1/things?x=1", body: '{"name":"a"}' });
    expect(served[0]?.headers).toMatchObject({
      "user-agent": "etl-test/1.0",
      accept: "application/json",
      "content-type": "application/json",
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it("retries a 503 and returns the answer that follows", async () => {
    const { server, served } = await serve([json(503, { type: "api_error" }), json(200, { users: [] })]);
    const retries: RetryInfo[] = [];
    const response = await client({ onRetry: (info) => retries.push(info) }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users` },
      { endpoint: "/v2/users" },
    );
    expect(response.status).toBe(200);
    expect(served).toHaveLength(2);
    expect(retries).toEqual([
      { attempt: 1, maxAttempts: 3, delayMs: expect.any(Number), status: 503, reason: "503 from GET /v2/users", message: expect.stringMatching(/^503 from GET \/v2\/users: waiting 0\.\d s \(attempt 2 of 3\)$/) },
    ]);
  });

  it("retries a connection reset", async () => {
    const { server, served } = await serve([reset, json(200, { users: [] })]);
    const retries: RetryInfo[] = [];
    const response = await client({ onRetry: (info) => retries.push(info) }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users` },
      { endpoint: "/v2/users" },
    );
    expect(response.json()).toEqual({ users: [] });
    expect(served).toHaveLength(2);
    expect(retries[0]).toMatchObject({ attempt: 1, status: undefined, reason: "ECONNRESET from GET /v2/users" });
  });

  it("waits out a 429 for at least its Retry-After in seconds", async () => {
    const { server, served } = await serve([json(429, { type: "too_many_requests" }, { "retry-after": "1" }), json(200, {})]);
    await client().send({ method: "GET", url: `${server.baseUrl}/v2/alerts` }, { endpoint: "/v2/alerts" });
    expect(served).toHaveLength(2);
    expect((served[1] as Served).at - (served[0] as Served).at).toBeGreaterThanOrEqual(1000);
  });

  it("waits out a 429 until its Retry-After date", async () => {
    let retryAt = 0;
    const tooMany: RequestHandler = (req, res) => {
      // A whole second ahead, since HTTP dates have no milliseconds.
      retryAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
      json(429, { type: "too_many_requests" }, { "retry-after": new Date(retryAt).toUTCString() })(req, res);
    };
    const { server, served } = await serve([tooMany, json(200, {})]);
    await client().send({ method: "GET", url: `${server.baseUrl}/v2/alerts` }, { endpoint: "/v2/alerts" });
    expect(served).toHaveLength(2);
    expect((served[1] as Served).at).toBeGreaterThanOrEqual(retryAt);
  });

  it("waits out a 429 for its x-ratelimit-reset when it has no Retry-After", async () => {
    const { server, served } = await serve([json(429, {}, { "x-ratelimit-reset": "1" }), json(200, {})]);
    await client().send({ method: "GET", url: `${server.baseUrl}/v2/alerts` }, { endpoint: "/v2/alerts" });
    expect((served[1] as Served).at - (served[0] as Served).at).toBeGreaterThanOrEqual(1000);
  });

  it("gives up on a request that outlives its timeout and tries again", async () => {
    const { server, served } = await serve([silence(2000), json(200, { fast: true })]);
    const retries: RetryInfo[] = [];
    const started = Date.now();
    const response = await client({ onRetry: (info) => retries.push(info) }).send(
      { method: "GET", url: `${server.baseUrl}/v2/incidents`, timeoutMs: 150 },
      { endpoint: "/v2/incidents" },
    );
    expect(response.json()).toEqual({ fast: true });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(served).toHaveLength(2);
    expect(retries[0]).toMatchObject({ status: undefined, reason: "ETIMEDOUT from GET /v2/incidents" });
  });

  it("throws an HttpError naming the endpoint, cursor and status after the last attempt", async () => {
    const { server, served } = await serve([json(503, { type: "api_error", errors: [{ message: "try later" }] })]);
    const error = await client({ maxAttempts: 2 })
      .send({ method: "GET", url: `${server.baseUrl}/v2/incidents?page_size=250&after=01HXCURSOR`, headers: AUTH }, { endpoint: "/v2/incidents", cursor: "01HXCURSOR" })
      .catch((e: unknown) => e);
    expect(served).toHaveLength(2);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ stage: "extract", method: "GET", endpoint: "/v2/incidents", cursor: "01HXCURSOR", status: 503, retryable: true });
    expect((error as HttpError).message).toMatchInlineSnapshot(
      `"GET /v2/incidents (cursor 01HXCURSOR): 503: {"type":"api_error","errors":[{"message":"try later"}]} (after 2 attempts)"`,
    );
  });

  it("throws an HttpError without a status when the connection keeps resetting", async () => {
    const { server } = await serve([reset]);
    const error = await client({ maxAttempts: 2 })
      .send({ method: "GET", url: `${server.baseUrl}/v2/users?page_size=1000`, headers: AUTH }, { endpoint: "/v2/users" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ endpoint: "/v2/users", cursor: undefined, status: undefined, detail: "ECONNRESET (after 2 attempts)" });
  });

  it("never puts the Authorization header or the query string into its errors", async () => {
    const { server } = await serve([reset]);
    const statusServer = await serve([json(500, {})]);
    const failures = await Promise.all([
      client({ maxAttempts: 1 })
        .send({ method: "GET", url: `${server.baseUrl}/v2/users?email=someone%40example.com`, headers: AUTH }, { endpoint: "/v2/users?email=x" })
        .catch((e: unknown) => e),
      client({ maxAttempts: 1 })
        .send({ method: "GET", url: `${statusServer.server.baseUrl}/v2/users?email=someone%40example.com`, headers: AUTH }, { endpoint: "/v2/users" })
        .catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(HttpError);
      const rendered = [String(failure), inspect(failure, { depth: 5 }), JSON.stringify(failure), (failure as Error).stack ?? ""].join("\n");
      expect(rendered).not.toContain(TOKEN);
      expect(rendered).not.toContain("someone");
      expect(rendered).not.toContain("email");
    }
  });

  it.each([
    { status: 404, body: { type: "not_found" } },
    { status: 401, body: { type: "authentication_error" } },
    { status: 422, body: { type: "validation_error" } },
  ])("returns a $status to the caller without retrying", async ({ status, body }) => {
    const { server, served } = await serve([json(status, body)]);
    const response = await client().send({ method: "GET", url: `${server.baseUrl}/v3/catalog_types/x/entries` }, { endpoint: "/v3/catalog_types/x/entries" });
    expect(response.status).toBe(status);
    expect(response.json()).toEqual(body);
    expect(served).toHaveLength(1);
  });

  it("returns a redirect instead of following it with the credentials", async () => {
    const redirect: RequestHandler = (_req, res) => {
      res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere", "content-length": "0" });
      res.end();
    };
    const { server, served } = await serve([redirect]);
    const response = await client().send({ method: "GET", url: `${server.baseUrl}/v2/users`, headers: AUTH }, { endpoint: "/v2/users" });
    expect(response.status).toBe(302);
    expect(served).toHaveLength(1);
  });

  it("hands back malformed JSON as text, and json() throws", async () => {
    const broken: RequestHandler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"users": [{"id": "01H');
    };
    const { server } = await serve([broken]);
    const response = await client().send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" });
    expect(response.text).toBe('{"users": [{"id": "01H');
    expect(() => response.json()).toThrow(SyntaxError);
  });

  it("takes from the budget before every attempt", async () => {
    const { server } = await serve([json(503, {}), reset, json(200, {})]);
    let taken = 0;
    const budget: RequestBudget = { take: async () => void (taken += 1) };
    await client({ budget, maxAttempts: 3 }).send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" });
    expect(taken).toBe(3);
  });

  it("reuses connections between requests", async () => {
    const { server, served } = await serve([json(200, {})]);
    const http = client();
    for (let i = 0; i < 3; i += 1) await http.send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" });
    expect(served.map((s) => s.headers.connection)).toEqual(["keep-alive", "keep-alive", "keep-alive"]);
  });
});

/** A 127.0.0.1 port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const server = await startLoopbackServer(() => undefined);
  await server.close();
  return server.port;
}

describe("createHttpClient's bounded, interruptible waits", () => {
  it("fails at once when Retry-After asks for more than the bound, naming the setting", async () => {
    const { server, served } = await serve([json(429, { type: "too_many_requests" }, { "retry-after": "999999" })]);
    const started = Date.now();
    const error = await client({ maxAttempts: 8 })
      .send({ method: "GET", url: `${server.baseUrl}/v2/alerts` }, { endpoint: "/v2/alerts" })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(served).toHaveLength(1);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toMatchInlineSnapshot(
      `"GET /v2/alerts: 429: {"type":"too_many_requests"}: the server asked to wait 999999 s, more than the ETL_MAX_RETRY_WAIT_SECONDS (300 s a request); not retried"`,
    );
  });

  it("honours ETL_MAX_RETRY_WAIT_SECONDS from the network settings", async () => {
    const { served, server } = await serve([json(503, {}, { "retry-after": "2" })]);
    const error = await client({ network: { ...NETWORK, maxRetryWaitMs: 1000 } })
      .send({ method: "GET", url: `${server.baseUrl}/v2/alerts` }, { endpoint: "/v2/alerts" })
      .catch((e: unknown) => e);
    expect(served).toHaveLength(1);
    expect((error as HttpError).message).toContain("the server asked to wait 2 s, more than the ETL_MAX_RETRY_WAIT_SECONDS (1 s a request)");
  });

  it("ends a long Retry-After wait within a second of the signal, as interrupted", async () => {
    const { server, served } = await serve([json(429, {}, { "retry-after": "600" })]);
    const controller = new AbortController();
    const retries: RetryInfo[] = [];
    const sending = client({ signal: controller.signal, network: { ...NETWORK, maxRetryWaitMs: 3_600_000 }, onRetry: (info) => retries.push(info) })
      .send({ method: "GET", url: `${server.baseUrl}/v2/alerts` }, { endpoint: "/v2/alerts" })
      .catch((e: unknown) => e);
    // Bounded: the wait announces itself before it starts.
    for (let tries = 0; retries.length === 0 && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(retries.map((info) => info.message)).toEqual(["429 from GET /v2/alerts: waiting 600 s (attempt 2 of 3)"]);
    const aborted = Date.now();
    controller.abort();
    const error = await sending;
    expect(Date.now() - aborted).toBeLessThan(1000);
    expect(served).toHaveLength(1);
    expect(error).toMatchObject({ interrupted: true, status: undefined, endpoint: "/v2/alerts" });
    expect((error as HttpError).message).toBe("GET /v2/alerts: no response: interrupted while waiting to retry (429 from GET /v2/alerts)");
  });

  it("ends a wait for the request budget at the signal", async () => {
    const { server, served } = await serve([json(200, {})]);
    const controller = new AbortController();
    const budget: RequestBudget = { take: () => new Promise((resolve) => setTimeout(resolve, 60_000).unref()) };
    const sending = client({ signal: controller.signal, budget }).send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" }).catch((e: unknown) => e);
    controller.abort();
    expect(await sending).toMatchObject({ interrupted: true });
    expect(served).toHaveLength(0);
  });
});

describe("createHttpClient on a host it cannot reach", () => {
  it("fails the first request at once when nothing listens, naming the host and the setting", async () => {
    const port = await closedPort();
    const retries: RetryInfo[] = [];
    const started = Date.now();
    const error = await client({ maxAttempts: 8, baseUrlSetting: "OCEAN__INTEGRATION__CONFIG__BASE_URL", onRetry: (info) => retries.push(info) })
      .send({ method: "GET", url: `http://127.0.0.1:${port}/v2/users` }, { endpoint: "/v2/users" })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(retries).toEqual([]);
    expect(error).toMatchObject({ status: undefined, retryable: false });
    expect((error as HttpError).message).toBe(
      `GET /v2/users: no response: ECONNREFUSED: nothing accepts connections at 127.0.0.1:${port}; check OCEAN__INTEGRATION__CONFIG__BASE_URL`,
    );
  });

  it("fails at once on a name that does not resolve (.invalid never does)", async () => {
    const error = await client({ maxAttempts: 8, baseUrlSetting: "OCEAN__PORT__BASE_URL" })
      .send({ method: "POST", url: "https://api.port.invalid/v1/auth/access_token", body: {} }, { endpoint: "/v1/auth/access_token" })
      .catch((e: unknown) => e);
    expect((error as HttpError).message).toMatch(
      /^POST \/v1\/auth\/access_token: no response: (ENOTFOUND: the host name of api\.port\.invalid does not resolve|EAI_AGAIN: the host name of api\.port\.invalid could not be looked up).*; check OCEAN__PORT__BASE_URL$/,
    );
  }, 20_000);

  it("fails every other request to that host without trying, across clients sharing the verdicts", async () => {
    const port = await closedPort();
    const hosts = createHostVerdicts();
    let taken = 0;
    const budget: RequestBudget = { take: async () => void (taken += 1) };
    const send = (path: string) => client({ hosts, budget, maxAttempts: 8 }).send({ method: "GET", url: `http://127.0.0.1:${port}${path}` }, { endpoint: path }).catch((e: unknown) => e);
    const first = (await send("/v2/users")) as HttpError;
    const others = (await Promise.all(["/v1/severities", "/v3/teams"].map(send))) as HttpError[];
    expect(taken).toBe(1);
    expect(others.map((error) => error.message)).toEqual([`GET /v1/severities: no response: ${first.detail}`, `GET /v3/teams: no response: ${first.detail}`]);
  });

  it("retries a refused connection once the host has answered", async () => {
    const { server } = await serve([json(200, {})]);
    const hosts = createHostVerdicts();
    await client({ hosts }).send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" });
    await server.close();
    const retries: RetryInfo[] = [];
    const error = await client({ hosts, maxAttempts: 2, onRetry: (info) => retries.push(info) })
      .send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" })
      .catch((e: unknown) => e);
    expect(retries.map((info) => info.reason)).toEqual(["ECONNREFUSED from GET /v2/users"]);
    expect(error).toMatchObject({ detail: "ECONNREFUSED (after 2 attempts)", retryable: true });
  });
});

/** A tiny forward proxy on 127.0.0.1 that only tunnels (CONNECT), recording each target. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  proxy.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  proxy.on("connect", (req: IncomingMessage, clientSocket: Socket, head: Buffer) => {
    tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
      clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => clientSocket.destroy());
    clientSocket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels };
}

describe("createHttpClient through a proxy", () => {
  it("tunnels requests through HTTP_PROXY", async () => {
    const { server, served } = await serve([json(200, { via: "proxy" })]);
    const proxy = await startConnectProxy();
    const response = await client({ network: { ...NETWORK, httpProxy: proxy.url } }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users`, headers: AUTH },
      { endpoint: "/v2/users" },
    );
    expect(response.json()).toEqual({ via: "proxy" });
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
    expect(served[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("tunnels https requests through HTTPS_PROXY and verifies the server with the extra CA", async () => {
    const tls = { key: readFileSync(`${TLS_DIR}loopback-key.pem`, "utf8"), cert: readFileSync(CERT_FILE, "utf8") };
    const { server } = await serve([json(200, { secure: true })], tls);
    const proxy = await startConnectProxy();
    const response = await client({ network: { ...NETWORK, httpsProxy: proxy.url, caFile: CERT_FILE } }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users` },
      { endpoint: "/v2/users" },
    );
    expect(response.json()).toEqual({ secure: true });
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
  });

  it("connects directly to hosts listed in NO_PROXY", async () => {
    const { server } = await serve([json(200, { via: "direct" })]);
    const proxy = await startConnectProxy();
    const response = await client({ network: { ...NETWORK, httpProxy: proxy.url, noProxy: "localhost,127.0.0.1" } }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users` },
      { endpoint: "/v2/users" },
    );
    expect(response.json()).toEqual({ via: "direct" });
    expect(proxy.tunnels).toEqual([]);
  });
});

describe("createHttpClient over TLS", () => {
  const tls = () => ({ key: readFileSync(`${TLS_DIR}loopback-key.pem`, "utf8"), cert: readFileSync(CERT_FILE, "utf8") });

  it("refuses an unknown certificate at once, without retrying", async () => {
    const { server, served } = await serve([json(200, {})], tls());
    const error = await client({ maxAttempts: 5 })
      .send({ method: "GET", url: `${server.baseUrl}/v2/users` }, { endpoint: "/v2/users" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: undefined, retryable: false, detail: expect.stringMatching(/^DEPTH_ZERO_SELF_SIGNED_CERT: .*--ca-file or NODE_EXTRA_CA_CERTS/) });
    expect(served).toHaveLength(0);
  });

  it("trusts a certificate from the CA file on top of Node's roots", async () => {
    const { server } = await serve([json(200, { secure: true })], tls());
    const response = await client({ network: { ...NETWORK, caFile: CERT_FILE } }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users` },
      { endpoint: "/v2/users" },
    );
    expect(response.json()).toEqual({ secure: true });
  });

  it("accepts any certificate when verification is turned off", async () => {
    const { server } = await serve([json(200, { insecure: true })], tls());
    const response = await client({ network: { ...NETWORK, verifyTls: false } }).send(
      { method: "GET", url: `${server.baseUrl}/v2/users` },
      { endpoint: "/v2/users" },
    );
    expect(response.json()).toEqual({ insecure: true });
  });
});
