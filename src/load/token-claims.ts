/** The claims Port's access tokens may name their organization under. */
const ORGANIZATION_CLAIMS = ["orgId", "org_id", "organizationId", "organization_id"] as const;

/**
 * The organization id an access token names, when it is a JWT whose payload carries one; undefined
 * otherwise (an opaque token, or no such claim). Only the payload is decoded: the signature is
 * Port's business, and the token itself is never kept or logged. Pure.
 */
export function readOrganizationId(accessToken: string): string | undefined {
  const parts = accessToken.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) return undefined;
  for (const name of ORGANIZATION_CLAIMS) {
    const value = (claims as Record<string, unknown>)[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}
