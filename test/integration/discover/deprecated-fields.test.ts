import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEPRECATED_FIELDS, isDeprecatedField } from "../../../src/discover/deprecated-fields";

interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly description?: string;
  readonly deprecated?: boolean;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
}

const SPEC = JSON.parse(readFileSync(fileURLToPath(new URL("../../../spec/incidentio-openapi3.json", import.meta.url)), "utf8")) as {
  paths: Record<string, { get?: { responses: Record<string, { content?: { "application/json"?: { schema: Schema } } }> } }>;
  components: { schemas: Record<string, Schema> };
};
const DEPRECATED = /^(DEPRECATED|Deprecated|This field is deprecated|This type has been deprecated)|\[DEPRECATED/;

function resolve(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; current.$ref !== undefined && depth < 10; depth++) current = SPEC.components.schemas[current.$ref.split("/").at(-1) ?? ""] ?? {};
  return current;
}

/** Per list endpoint (no path parameter), the deprecated top-level fields of the records it lists. */
function deprecatedFieldsOfSpec(): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const [path, operations] of Object.entries(SPEC.paths)) {
    const schema = operations.get?.responses["200"]?.content?.["application/json"]?.schema;
    if (path.includes("{") || schema === undefined) continue;
    for (const list of Object.values(resolve(schema).properties ?? {})) {
      const items = list.type === "array" && list.items ? resolve(list.items) : undefined;
      const fields = Object.entries(items?.properties ?? {}).filter(([, field]) => field.deprecated === true || DEPRECATED.test(field.description ?? "")).map(([name]) => name);
      if (fields.length > 0) table[path] = fields;
    }
  }
  return table;
}

describe("DEPRECATED_FIELDS", () => {
  it("lists exactly the record fields the vendored Incident.io spec documents as deprecated", () => {
    expect(DEPRECATED_FIELDS).toEqual(deprecatedFieldsOfSpec());
  });

  it.each([
    { kind: "/v2/users", field: "role", expected: true },
    { kind: "/v2/users?include_inactive=true", field: "role", expected: true },
    { kind: "/v2/users", field: "base_role", expected: false },
    { kind: "/v2/incidents", field: "role", expected: false },
  ])("isDeprecatedField($kind, $field) is $expected", ({ kind, field, expected }) => {
    expect(isDeprecatedField(kind, field)).toBe(expected);
  });
});
