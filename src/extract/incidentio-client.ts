import { HttpError } from "../errors";
import type { HttpClient } from "../http/http-client";
import type { IncidentIoAuth } from "../model/config";

/** The headers that authenticate a request under `auth`. */
export function buildAuthHeaders(auth: IncidentIoAuth): Record<string, string> {
  switch (auth.type) {
    case "bearer_token":
      return { authorization: `Bearer ${auth.token.reveal()}` };
    case "api_key":
      return { [auth.header.toLowerCase()]: auth.key.reveal() };
    case "basic":
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString("base64")}` };
    case "none":
      return {};
  }
}

const HINTS: Readonly<Record<number, string>> = {
  401: "the API key was refused: check OCEAN__INTEGRATION__SECRETS__TOKEN",
  403: "the API key lacks the scope this endpoint needs (docs/configuration.md lists the scope of each resource)",
  404: "no such endpoint: check the kind and OCEAN__INTEGRATION__CONFIG__BASE_URL",
};

/** Incident.io's error messages (`errors[].message`), or a short excerpt of a body that is not its error shape. */
export function summarizeErrorBody(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { message?: unknown }[] };
    const messages = (body.errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === "string");
    if (messages.length > 0) return messages.join("; ").slice(0, 300);
  } catch {
    // Not JSON: fall through to the excerpt.
  }
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** One page request: its URL, its path and cursor for errors. */
export interface PageRequest {
  readonly url: string;
  readonly path: string;
  readonly cursor: string | undefined;
}

/** A page as parsed, and its text as the API sent it. */
export interface FetchedPage {
  readonly page: unknown;
  readonly text: string;
}

/**
 * GETs one page and parses it (one JSON.parse). Throws HttpError naming the path and cursor when the
 * answer is not a 2xx, or is not JSON: the body is never quoted then, since a page may hold secrets.
 */
export async function fetchPage(http: HttpClient, headers: Record<string, string>, request: PageRequest): Promise<FetchedPage> {
  const where = { endpoint: request.path, ...(request.cursor === undefined ? {} : { cursor: request.cursor }) };
  const response = await http.send({ method: "GET", url: request.url, headers }, where);
  const fail = (detail: string) =>
    new HttpError({ stage: "extract", method: "GET", endpoint: request.path, cursor: request.cursor, status: response.status, detail, retryable: false });
  if (response.status >= 300 && response.status < 400) {
    throw fail("redirected elsewhere; set OCEAN__INTEGRATION__CONFIG__BASE_URL to the API's own address");
  }
  if (response.status < 200 || response.status >= 300) {
    const hint = HINTS[response.status];
    throw fail(`${summarizeErrorBody(response.text)}${hint ? ` (${hint})` : ""}`);
  }
  try {
    return { page: response.json(), text: response.text };
  } catch {
    throw fail(`malformed JSON in the response (${Buffer.byteLength(response.text)} bytes)`);
  }
}
