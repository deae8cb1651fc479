import { describe, expect, it } from "vitest";
import { readOrganizationId } from "../../../src/load/token-claims";

const jwt = (payload: unknown) => `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2lnbmF0dXJl`;

describe("readOrganizationId", () => {
  it.each([
    { name: "orgId claim", token: jwt({ orgId: "org_123", sub: "x" }), expected: "org_123" },
    { name: "org_id claim", token: jwt({ org_id: "org_456" }), expected: "org_456" },
    { name: "organizationId claim", token: jwt({ organizationId: "org_789" }), expected: "org_789" },
    { name: "no organization claim", token: jwt({ sub: "x" }), expected: undefined },
    { name: "an empty claim", token: jwt({ orgId: " " }), expected: undefined },
    { name: "a number is not an id", token: jwt({ orgId: 12 }), expected: undefined },
    { name: "an opaque token", token: "aW52YWxpZA", expected: undefined },
    { name: "a payload that is not JSON", token: "a.bm90IGpzb24.c", expected: undefined },
    { name: "a payload that is an array", token: jwt(["orgId"]), expected: undefined },
  ])("$name", ({ token, expected }) => {
    expect(readOrganizationId(token)).toBe(expected);
  });
});
