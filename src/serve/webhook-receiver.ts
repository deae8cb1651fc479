import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { StagingDb } from "../../db/database";
import { countIgnoredEvent, insertWebhookEvent } from "../../db/queries/webhook-inbox";
import { redactSecrets, type Secret } from "../model/secret";
import { readWebhookBody } from "./webhook-events";

/** Where Incident.io's endpoint points: `POST <url>/webhooks/incidentio`. */
export const WEBHOOK_PATH = "/webhooks/incidentio";
/** Incident.io's bodies are a few KiB; anything this large is not one of its events. */
export const MAX_BODY_BYTES = 1024 * 1024;

// Svix waits about 15 s for an answer; an event not committed well before that is answered 503 and redelivered.
const DEFAULT_BUSY_WAIT_MS = 5_000;
const MAX_RETRY_DELAY_MS = 100;
// A request's headers and body must arrive within this, or Node answers 408 and closes the connection.
const REQUEST_TIMEOUT_MS = 30_000;
// After refusing an oversized body, what the client still sends is read and dropped for this long (and
// up to this much) before the connection closes: closing with unread bytes resets it, and the client
// can lose the 413 it has not read yet.
const LINGER_MS = 2_000;
const LINGER_BYTES = 8 * MAX_BODY_BYTES;
// close() lets requests in flight finish for this long before cutting their connections.
const CLOSE_GRACE_MS = 5_000;

export interface WebhookReceiverOptions {
  readonly host: string;
  /** 0 picks a free port (see `url`). */
  readonly port: number;
  /** The endpoint's `whsec_…` signing secret. */
  readonly secret: Secret;
  /**
   * The receiver's own connection to the staging file. Its busy timeout is set to 0: a write lock held
   * by another connection (a scheduled run's transaction) is waited out by retrying asynchronously, never
   * by SQLite's busy wait, which would stop the event loop.
   */
  readonly db: StagingDb;
  /** Called after an event not seen before is committed: wakes the drain loop. */
  readonly onEvent?: () => void;
  /** One line per refused or ignored request and per failed commit; never a header, a body or the secret. */
  readonly log: (line: string) => void;
  /** How long an event's commit is retried while the staging file is locked, before answering 503 (default 5 s). */
  readonly busyWaitMs?: number;
}

export interface WebhookReceiver {
  /** `http://<host>:<port>`, with the port the server listens on. */
  readonly url: string;
  /** /readyz answers 503 and new events 503 (Svix redelivers them), while requests in flight finish. */
  stopAccepting(): void;
  /** Stops accepting, waits for requests in flight (bounded), and closes the server. The db is left open. */
  close(): Promise<void>;
}

type Answer = { readonly status: number; readonly body: Record<string, string>; readonly headers?: Record<string, string> };

const answer = (status: number, body: Record<string, string>, headers?: Record<string, string>): Answer => ({ status, body, ...(headers ? { headers } : {}) });

/** Serves Incident.io's webhooks: verifies each, commits the record it names to the inbox, then answers 2xx. */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const webhook = new Webhook(options.secret.reveal());
  const busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  await sql`PRAGMA busy_timeout = 0`.execute(options.db);
  // Fails here, at start, when the staging file lacks the inbox (not migrated).
  await options.db.selectFrom("webhook_inbox").select("webhook_id").limit(1).execute();

  let accepting = true;
  const inFlight = new Set<Promise<void>>();

  /** Runs `write`, retrying while another connection holds the write lock, until busyWaitMs has passed. */
  async function commit<T>(write: () => Promise<T>): Promise<T | "busy"> {
    const deadline = Date.now() + busyWaitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
      try {
        return await write();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() + delay > deadline) return "busy";
      }
      await sleep(delay);
    }
  }

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<Answer | undefined> {
    if (!accepting) return answer(503, { error: "shutting down: the event was not stored; Svix delivers it again" });
    const body = Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES ? undefined : await readBounded(req);
    if (!body) {
      options.log(`webhook refused (413): the body is over ${MAX_BODY_BYTES} bytes`);
      refuseBody(req, res);
      return undefined;
    }
    const text = body.toString("utf8");
    const headers = {
      "webhook-id": headerValue(req, "webhook-id"),
      "webhook-timestamp": headerValue(req, "webhook-timestamp"),
      "webhook-signature": headerValue(req, "webhook-signature"),
    };
    try {
      webhook.verify(text, headers, { jsonParse: false });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return answer(401, { error: `webhook verification failed: ${error.message}` });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return answer(400, { error: "the body is not JSON" });
    }
    const read = readWebhookBody(headers["webhook-id"], parsed);
    const now = new Date();
    if (read.outcome === "invalid") return answer(400, { error: read.problem });
    if (read.outcome === "unknown") {
      if ((await commit(() => countIgnoredEvent(options.db, read.eventType, now))) === "busy") return busy();
      options.log(`webhook ${read.eventType} ignored: serve does not apply this event type`);
      return answer(200, { status: "ignored" });
    }
    const sentAt = new Date(Number.parseInt(headers["webhook-timestamp"], 10) * 1000);
    const stored = await commit(() => insertWebhookEvent(options.db, read.event, sentAt, now));
    if (stored === "busy") return busy();
    if (stored === "new") options.onEvent?.();
    return answer(200, { status: stored === "new" ? "stored" : "duplicate" });
  }

  function busy(): Answer {
    options.log(`webhook not stored: the staging file stayed locked by another writer for ${busyWaitMs} ms; answered 503, Svix delivers it again`);
    return answer(503, { error: "the staging file is busy: the event was not stored; deliver it again" }, { "retry-after": "5" });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<Answer | undefined> {
    const path = new URL(req.url ?? "/", "http://receiver").pathname;
    const method = ROUTES[path];
    if (!method) return answer(404, { error: `not found: events go to POST ${WEBHOOK_PATH}` });
    if (req.method !== method) return answer(405, { error: `method not allowed: use ${method}` }, { allow: method });
    if (path === "/healthz") return answer(200, { status: "ok" });
    if (path === "/readyz") return accepting ? answer(200, { status: "ready" }) : answer(503, { status: "stopping" });
    return receive(req, res);
  }

  const server = createServer((req, res) => {
    const handled = route(req, res)
      .catch((error: unknown) => {
        options.log(`webhook not stored: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
        return answer(500, { error: "the event could not be stored; deliver it again" });
      })
      .then((result) => {
        if (!result) return;
        // Refusals of what claims to be an event are logged with the answer's own words, which quote no header.
        if (req.method === "POST" && [400, 401].includes(result.status)) options.log(`webhook refused (${result.status}): ${result.body.error}`);
        send(req, res, result);
      })
      .catch(() => void res.destroy());
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));

  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    stopAccepting: () => {
      accepting = false;
    },
    close: async () => {
      accepting = false;
      server.close();
      server.closeIdleConnections();
      // Unreferenced: once the server has closed, the grace timer must not keep the process alive for its 5 s.
      await Promise.race([closed, sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
      server.closeAllConnections();
      await closed;
      await Promise.allSettled([...inFlight]);
    },
  };
}

const ROUTES: Readonly<Record<string, string>> = { [WEBHOOK_PATH]: "POST", "/healthz": "GET", "/readyz": "GET" };

/** Reads the body; undefined (and reading paused) once it grows past MAX_BODY_BYTES. */
function readBounded(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done();
        req.pause();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => onError(new Error("the client closed the connection before the body ended"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/** Answers 413 at once, then drops what the client still sends (see LINGER_MS) before closing. */
function refuseBody(req: IncomingMessage, res: ServerResponse): void {
  const text = JSON.stringify({ error: `the body is over ${MAX_BODY_BYTES} bytes, more than any Incident.io event` });
  res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(text), connection: "close" });
  res.write(text);
  let dropped = 0;
  const finish = () => {
    clearTimeout(timer);
    req.off("data", onData).off("end", finish).off("error", finish);
    if (!res.writableEnded) res.end();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) finish();
  };
  const timer = setTimeout(finish, LINGER_MS);
  req.on("data", onData).on("end", finish).on("error", finish);
  req.resume();
}

function send(req: IncomingMessage, res: ServerResponse, result: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(result.body);
  // A body left unread (a refusal before reading it) is not read off the connection: it is closed instead.
  const unread = !req.complete ? { connection: "close" } : {};
  res.writeHead(result.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...result.headers, ...unread });
  res.end(text);
}

function headerValue(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return typeof value === "string" ? value : "";
}

/** SQLite's SQLITE_BUSY (and its extended codes): another connection holds the lock. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
