import { randomUUID } from "node:crypto";
import type { JsonObject } from "./json";
import type { ValidationIssue } from "./paging";

/** `type` values of the API's error responses (reference §2.5). */
type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "resource_forbidden"
  | "not_found"
  | "validation_error"
  | "too_many_requests"
  | "api_error"
  | "request_timeout";

interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** The API's error envelope: `{type, status, request_id, errors[]}` plus optional extras such as `rate_limit`. */
function errorBody(type: ErrorType, status: number, errors: readonly ErrorDetail[], extra: JsonObject = {}): JsonObject {
  return {
    type,
    status,
    request_id: randomUUID(),
    errors: errors.map(({ code, message, field }): JsonObject => (field === undefined ? { code, message } : { code, message, source: { field } })),
    ...extra,
  };
}

/** 401 for a request whose `Authorization: Bearer` header is missing (`missing`) or carries an unknown key. */
export function unauthorizedBody(missing: boolean): JsonObject {
  return errorBody("authentication_error", 401, [
    missing
      ? { code: "missing_authorization_material", message: "No authorization material provided in request" }
      : { code: "invalid_authorization_material", message: "The API key provided is not valid" },
  ]);
}

/** 403 for a key that lacks the scope a route needs. */
export function forbiddenBody(scope: string): JsonObject {
  return errorBody("resource_forbidden", 403, [{ code: "missing_scope", message: `This API key is missing the ${scope} scope` }]);
}

/** 404 for an unknown route or record. */
export function notFoundBody(what: string): JsonObject {
  return errorBody("not_found", 404, [{ code: "not_found", message: `${what} not found` }]);
}

/** 422 for malformed or missing query parameters, one error per parameter. */
export function validationBody(issues: readonly ValidationIssue[]): JsonObject {
  return errorBody("validation_error", 422, issues.map(({ code, message, field }) => ({ code, message, field })));
}

/**
 * 429 with the `rate_limit` object. Its `retry_after` is the instant a retry may succeed: RFC 3339 as
 * the newest spec describes it, or RFC 1123 as the docs' example shows, matching the header's form.
 */
export function rateLimitBody(limit: number, retryAt: Date, form: "seconds" | "http-date"): JsonObject {
  const retryAfter = form === "http-date" ? retryAt.toUTCString().replace("GMT", "UTC") : `${retryAt.toISOString().slice(0, 19)}Z`;
  return errorBody(
    "too_many_requests",
    429,
    [{ code: "too_many_requests", message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests." }],
    { rate_limit: { name: "api_key", limit, remaining: 0, retry_after: retryAfter } },
  );
}

/** The body of a status answer injected by a fault, shaped like the real error for that status. */
export function statusBody(status: number, retryAt: Date, form: "seconds" | "http-date", limit: number): JsonObject {
  if (status === 429) return rateLimitBody(limit, retryAt, form);
  if (status === 401) return unauthorizedBody(true);
  if (status === 404) return notFoundBody("Resource");
  if (status === 408 || status === 504) return errorBody("request_timeout", status, [{ code: "request_timeout", message: "The request timed out" }]);
  if (status >= 500) return errorBody("api_error", status, [{ code: "internal_error", message: "Something went wrong on our end" }]);
  return errorBody("invalid_request_error", status, [{ code: "invalid_request", message: `Request failed with status ${status}` }]);
}
