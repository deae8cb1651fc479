import { describe, expect, it } from "vitest";
import { buildAuthHeaders, summarizeErrorBody } from "../../../src/extract/incidentio-client";
import type { IncidentIoAuth } from "../../../src/model/config";
import { Secret } from "../../../src/model/secret";

describe("buildAuthHeaders", () => {
  it.each<{ name: string; auth: IncidentIoAuth; expected: Record<string, string> }>([
    { name: "a bearer token", auth: { type: "bearer_token", token: new Secret("tok") }, expected: { authorization: "Bearer tok" } },
    { name: "an API key header", auth: { type: "api_key", header: "X-API-Key", key: new Secret("k") }, expected: { "x-api-key": "k" } },
    { name: "basic credentials", auth: { type: "basic", username: "u", password: new Secret("p") }, expected: { authorization: "Basic dTpw" } },
    { name: "no auth", auth: { type: "none" }, expected: {} },
  ])("sends $name", ({ auth, expected }) => {
    expect(buildAuthHeaders(auth)).toEqual(expected);
  });
});

describe("summarizeErrorBody", () => {
  it.each([
    {
      name: "Incident.io's error messages",
      text: JSON.stringify({ type: "validation_error", status: 422, errors: [{ code: "a", message: "page_size is required" }, { code: "b", message: "too big" }] }),
      expected: "page_size is required; too big",
    },
    { name: "a body without messages, shortened", text: `{"type":"x"${" ".repeat(500)}}`, expected: '{"type":"x" }' },
    { name: "plain text", text: "Bad Gateway\n", expected: "Bad Gateway" },
  ])("reads $name", ({ text, expected }) => {
    expect(summarizeErrorBody(text)).toBe(expected);
  });
});
