import type { PortFailure } from "./types";

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Narrows a "value or failure" result to the failure case. */
export function isPortFailure(value: unknown): value is PortFailure {
  return isJsonObject(value) && typeof value["status"] === "number" && typeof value["error"] === "string" && typeof value["message"] === "string";
}

/** A 422 for a body or query that does not fit the route's published schema. */
export function rejectRouteSchema(message: string): PortFailure {
  return { status: 422, error: "bad_request", message: `The json provided does not match the route's schema: ${message}` };
}

const DEFAULT_FAILURES: Readonly<Record<number, { readonly error: string; readonly message: string }>> = {
  400: { error: "bad_request", message: "The json provided is not valid" },
  401: { error: "unauthorized", message: "A valid access token is required" },
  403: { error: "missing_permissions", message: "You do not have permissions to perform the requested operation" },
  404: { error: "not_found", message: "A resource with the provided identifier was not found" },
  409: { error: "identifier_taken", message: "The provided identifier already exists, identifiers must be unique" },
  413: { error: "bad_request", message: "Request body is too large (limit is 1MiB)" },
  422: { error: "bad_request", message: "The json provided does not match the route's schema" },
  429: { error: "rate_limit_exceeded", message: "Too many requests, retry after the period resets" },
};

/** Port's error body for a status, as an injected fault answers it: `{ok: false, error, message}` with Port's documented codes. */
export function buildPortErrorBody(status: number): { ok: false; error: string; message: string } {
  const known = DEFAULT_FAILURES[status] ?? (status >= 500 ? { error: "internal_error", message: "An internal error occurred" } : { error: "error", message: `HTTP ${status}` });
  return { ok: false, ...known };
}
