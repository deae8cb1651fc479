import type { IncidentIoDataset } from "./dataset";
import { makeLiveChange, type LiveChange } from "./live-changes";
import type { SandboxWebhookOptions, SandboxWebhooks } from "./webhook-outbox";

/**
 * Paths under this prefix are not Incident.io's API: they let another process (a test, a benchmark,
 * someone trying `serve` against `demo --keep`) point the sandbox's webhooks somewhere, make changes
 * that send them, and read the delivery counters. They take the sandbox's API key like the API does.
 */
export const CONTROL_PREFIX = "/_sandbox/";

export interface ControlAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface ControlContext {
  readonly dataset: IncidentIoDataset;
  readonly webhooks: SandboxWebhooks;
  /** A new serial number for each change, which picks the record when the change names none. */
  nextSerial(): number;
}

const CHANGES_WITH_ID = ["incident-status", "incident-rename", "alert-resolve", "follow-up-update", "schedule-update", "schedule-delete"] as const;
const CHANGES_WITHOUT_ID = ["incident-create", "alert-fire", "follow-up-create", "schedule-create"] as const;
const CHANGE_TYPES: readonly string[] = [...CHANGES_WITH_ID, ...CHANGES_WITHOUT_ID];
const CONTROL_ROUTES = "GET, POST and DELETE /_sandbox/webhooks, POST /_sandbox/webhooks/idle and POST /_sandbox/changes";
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const MAX_IDLE_TIMEOUT_MS = 600_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined | Error {
  const value = body[field];
  if (value === undefined) return undefined;
  return typeof value === "string" && value !== "" ? value : new Error(`${field} must be a non-empty string`);
}

/** A live change from a request body, or an Error saying what is wrong with it. */
export function parseLiveChange(body: unknown): LiveChange | Error {
  if (!isObject(body)) return new Error('the body must be a JSON object such as {"type": "incident-status"}');
  const type = body["type"];
  if (typeof type !== "string" || !CHANGE_TYPES.includes(type)) return new Error(`type must be one of ${CHANGE_TYPES.join(", ")}`);
  const id = optionalString(body, "id");
  const status = optionalString(body, "status");
  const incidentId = optionalString(body, "incidentId");
  for (const value of [id, status, incidentId]) if (value instanceof Error) return value;
  const withId = id === undefined ? {} : { id: id as string };
  switch (type) {
    case "incident-status":
      return { type, ...withId, ...(status === undefined ? {} : { status: status as string }) };
    case "follow-up-create":
      return { type, ...(incidentId === undefined ? {} : { incidentId: incidentId as string }) };
    case "incident-create":
    case "alert-fire":
    case "schedule-create":
      return { type };
    default:
      return { type: type as (typeof CHANGES_WITH_ID)[number], ...withId };
  }
}

/** Webhook options from a request body, or an Error saying what is wrong with them. */
export function parseWebhookOptions(body: unknown): SandboxWebhookOptions | Error {
  if (!isObject(body)) return new Error('the body must be a JSON object such as {"url": "http://127.0.0.1:8080/webhooks/incidentio", "secret": "whsec_…"}');
  const { url, secret } = body;
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) return new Error("url must be an http(s) URL");
  if (typeof secret !== "string" || !secret.startsWith("whsec_")) return new Error("secret must be the endpoint's whsec_… signing secret");
  for (const field of ["redelivery", "knobs"]) if (body[field] !== undefined && !isObject(body[field])) return new Error(`${field} must be an object`);
  for (const field of ["concurrency", "seed"]) if (body[field] !== undefined && typeof body[field] !== "number") return new Error(`${field} must be a number`);
  if (body["privateAlerts"] !== undefined && typeof body["privateAlerts"] !== "boolean") return new Error("privateAlerts must be true or false");
  return body as unknown as SandboxWebhookOptions;
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return new Error("the body is not JSON");
  }
}

function refused(error: Error, status = 400): ControlAnswer {
  return { status, body: { error: error.message } };
}

/**
 * Answers a control request: `POST /_sandbox/webhooks` (options) and `DELETE /_sandbox/webhooks` set
 * and unset the target, `GET /_sandbox/webhooks` reads the counters, `POST /_sandbox/webhooks/idle`
 * waits (`timeout_ms`, default 30 s) until every event was delivered or given up (504 if not),
 * `POST /_sandbox/changes` makes one live change and answers the record and the events' IDs.
 */
export async function answerControl(method: string, path: string, query: URLSearchParams, text: string, context: ControlContext): Promise<ControlAnswer> {
  const route = `${method} ${path.replace(/\/$/, "")}`;
  const { webhooks } = context;
  switch (route) {
    case "GET /_sandbox/webhooks":
      return { status: 200, body: { counters: webhooks.counters } };
    case "DELETE /_sandbox/webhooks":
      await webhooks.configure(undefined);
      return { status: 200, body: { counters: webhooks.counters } };
    case "POST /_sandbox/webhooks": {
      const body = parseJson(text);
      const options = body instanceof Error ? body : parseWebhookOptions(body);
      if (options instanceof Error) return refused(options);
      await webhooks.configure(options);
      return { status: 200, body: { counters: webhooks.counters } };
    }
    case "POST /_sandbox/webhooks/idle": {
      const asked = Number(query.get("timeout_ms") ?? DEFAULT_IDLE_TIMEOUT_MS);
      if (!Number.isFinite(asked) || asked < 0 || asked > MAX_IDLE_TIMEOUT_MS) return refused(new Error(`timeout_ms must be a number of milliseconds from 0 to ${MAX_IDLE_TIMEOUT_MS}`));
      try {
        await webhooks.idle(asked);
        return { status: 200, body: { counters: webhooks.counters } };
      } catch (error) {
        return { status: 504, body: { error: error instanceof Error ? error.message : String(error), counters: webhooks.counters } };
      }
    }
    case "POST /_sandbox/changes": {
      const body = parseJson(text);
      const change = body instanceof Error ? body : parseLiveChange(body);
      if (change instanceof Error) return refused(change);
      webhooks.takeSentIds();
      try {
        const result = makeLiveChange(context.dataset, change, context.nextSerial());
        return { status: 200, body: { ...result, webhookIds: webhooks.takeSentIds() } };
      } catch (error) {
        if (error instanceof RangeError) return refused(error, 422);
        throw error;
      }
    }
    default:
      return { status: 404, body: { error: `no sandbox control route ${route}; there are ${CONTROL_ROUTES}` } };
  }
}
