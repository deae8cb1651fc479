import { describe, expect, it } from "vitest";
import { describeNetworkFailure } from "../../../src/http/network-failure";

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
