import { describe, expect, it } from "vitest";
import { describeNetworkFailure, describeUnreachable } from "../../../src/http/network-failure";

describe("describeNetworkFailure", () => {
  it.each([
    { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", says: /not signed by a CA this machine trusts; add that CA with --ca-file or NODE_EXTRA_CA_CERTS/ },
    { code: "DEPTH_ZERO_SELF_SIGNED_CERT", says: /not signed by a CA this machine trusts/ },
    { code: "SELF_SIGNED_CERT_IN_CHAIN", says: /not signed by a CA this machine trusts/ },
    { code: "CERT_HAS_EXPIRED", says: /outside its validity dates/ },
    { code: "ERR_TLS_CERT_ALTNAME_INVALID", says: /for another host name/ },
  ])("explains what to do about $code", ({ code, says }) => {
    expect(describeNetworkFailure(code)).toMatch(new RegExp(`^${code}: `));
    expect(describeNetworkFailure(code)).toMatch(says);
  });

  it.each(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "network error"])("leaves %s as it is", (code) => {
    expect(describeNetworkFailure(code)).toBe(code);
  });
});

describe("describeUnreachable", () => {
  it.each([
    { code: "ENOTFOUND", options: { setting: "OCEAN__INTEGRATION__CONFIG__BASE_URL" }, expected: "ENOTFOUND: the host name of api.incident.invalid does not resolve (DNS has no such name); check OCEAN__INTEGRATION__CONFIG__BASE_URL" },
    { code: "EAI_AGAIN", options: { setting: "OCEAN__PORT__BASE_URL" }, expected: "EAI_AGAIN: the host name of api.incident.invalid could not be looked up (DNS did not answer: no network?); check OCEAN__PORT__BASE_URL" },
    { code: "ECONNREFUSED", options: {}, expected: "ECONNREFUSED: nothing accepts connections at api.incident.invalid; check the base URL" },
    { code: "ENETUNREACH", options: { setting: "OCEAN__PORT__BASE_URL" }, expected: "ENETUNREACH: there is no route to api.incident.invalid (no network?); check OCEAN__PORT__BASE_URL" },
    {
      code: "ECONNREFUSED",
      options: { via: "proxy.corp:3128", setting: "OCEAN__PORT__BASE_URL" },
      expected: "ECONNREFUSED: nothing accepts connections at the proxy proxy.corp:3128; check HTTPS_PROXY / HTTP_PROXY",
    },
  ])("names the host and what to check for $code $options", ({ code, options, expected }) => {
    expect(describeUnreachable(code, "api.incident.invalid", options)).toBe(expected);
  });
});
