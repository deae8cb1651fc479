import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactSecrets, Secret } from "../../../src/model/secret";

describe("Secret", () => {
  it("shows as [redacted] however it is printed or serialized, and reveals its value on request", () => {
    const secret = new Secret("s3cr3t-value-for-print");
    expect([String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret })]).toEqual([
      "[redacted]",
      "[redacted]",
      '{"secret":"[redacted]"}',
      "{ secret: [redacted] }",
    ]);
    expect(secret.reveal()).toBe("s3cr3t-value-for-print");
  });
});

describe("redactSecrets", () => {
  new Secret("inc_held_by_this_process_1");
  new Secret("short");
  new Secret("");

  it.each([
    { name: "a held credential quoted by an API", text: "403: key inc_held_by_this_process_1 lacks a scope", expected: "403: key [redacted] lacks a scope" },
    { name: "every occurrence", text: "inc_held_by_this_process_1/inc_held_by_this_process_1", expected: "[redacted]/[redacted]" },
    { name: "text without a credential", text: "GET /v2/users: 500", expected: "GET /v2/users: 500" },
    { name: "values too short to be credentials", text: "a short word", expected: "a short word" },
    { name: "a Bearer token never held", text: "token Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-_x= expired", expected: "token Bearer [redacted] expired" },
    { name: "a quoted Authorization header", text: "bad header 'Authorization: Bearer abc.def-ghi'", expected: "bad header 'Authorization: [redacted]'" },
    { name: "an Authorization header in JSON", text: '{"headers":{"authorization":"Basic dXNlcjpwYXNz"}}', expected: '{"headers":{"authorization":"[redacted]"}}' },
    { name: "an Authorization header in escaped JSON", text: '"{\\"Authorization\\":\\"Bearer abcdefgh12\\"}"', expected: '"{\\"Authorization\\":\\"[redacted]\\"}"' },
    { name: "text that only names the header", text: "an Authorization header is required", expected: "an Authorization header is required" },
    { name: "already redacted text, unchanged", text: "Authorization: [redacted], Bearer [redacted]", expected: "Authorization: [redacted], Bearer [redacted]" },
  ])("scrubs $name", ({ text, expected }) => {
    expect(redactSecrets(text)).toBe(expected);
  });
});
