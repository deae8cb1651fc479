import { kindPath } from "../config/incidentio-endpoints";

/**
 * The record fields Incident.io's API documents as deprecated (spec/incidentio-openapi3.json: their
 * description starts "DEPRECATED", "Deprecated:" or "This field/type is deprecated"), by list endpoint.
 * They are frozen or always empty (`role` has not changed since 9 March 2023), so discover proposes
 * none of them. A test derives the same table from the vendored spec.
 */
export const DEPRECATED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "/v1/custom_fields": ["required"],
  "/v1/incident_roles": ["required"],
  "/v2/catalog_types": ["semantic_type"],
  "/v2/users": ["role"],
  "/v2/workflows": ["include_private_incidents"],
};

/** True when Incident.io documents `field` of the records of `kind` as deprecated. Pure. */
export function isDeprecatedField(kind: string, field: string): boolean {
  return DEPRECATED_FIELDS[kindPath(kind)]?.includes(field) ?? false;
}
