// OpenSSL's verification codes as Node reports them for a certificate chain it does not trust.
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);
const OUT_OF_DATE = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const WRONG_HOST = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"]);

/**
 * A network failure's code, with what to do about it when it is a TLS certificate the product
 * refused: certificates are verified by default, and the code alone does not say how to trust one.
 */
export function describeNetworkFailure(code: string): string {
  if (UNTRUSTED.has(code)) {
    return `${code}: the server's TLS certificate is not signed by a CA this machine trusts; add that CA with --ca-file or NODE_EXTRA_CA_CERTS (--insecure turns verification off, which exposes the API keys)`;
  }
  if (OUT_OF_DATE.has(code)) return `${code}: the server's TLS certificate is outside its validity dates (or this machine's clock is wrong)`;
  if (WRONG_HOST.has(code)) return `${code}: the server's TLS certificate is for another host name; check the base URL`;
  return code;
}

/**
 * What an unreachable-host code means for `host` (a name and port, never credentials), and which
 * setting to check: DNS found no such name, DNS did not answer, nothing listens, or no route.
 * `via` names the proxy when the connection went through one, since the failure is then the proxy's.
 */
export function describeUnreachable(code: string, host: string, options: { via?: string | undefined; setting?: string | undefined }): string {
  const target = options.via === undefined ? host : `the proxy ${options.via}`;
  const what =
    code === "ENOTFOUND" || code === "EAI_NONAME" || code === "EAI_FAIL"
      ? `the host name of ${target} does not resolve (DNS has no such name)`
      : code === "EAI_AGAIN"
        ? `the host name of ${target} could not be looked up (DNS did not answer: no network?)`
        : code === "ECONNREFUSED"
          ? `nothing accepts connections at ${target}`
          : `there is no route to ${target} (no network?)`;
  const check = options.via !== undefined ? "check HTTPS_PROXY / HTTP_PROXY" : options.setting !== undefined ? `check ${options.setting}` : "check the base URL";
  return `${code}: ${what}; ${check}`;
}
