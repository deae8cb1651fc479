import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse as parseYaml } from "yaml";

const SPEC_DIR = fileURLToPath(new URL("../../spec/", import.meta.url));
/** The published Incident.io spec (OpenAPI 3.0.3, 2026-08-21), vendored in `spec/` (its source: spec/README.md). */
export const INCIDENTIO_SPEC = `${SPEC_DIR}incidentio-openapi3.json`;
/** Port's published spec (OpenAPI 3.1.0), vendored in `spec/` (its source: spec/README.md). */
export const PORT_SPEC = `${SPEC_DIR}port-openapi.yml`;

export interface OpenApiValidator {
  /** Errors of `body` against the response schema of an operation (`[]` = valid). Throws when the spec has no such schema. */
  response(method: string, pathTemplate: string, status: number, body: unknown): string[];
  /** Errors of `body` against the JSON request body schema of an operation (`[]` = valid). */
  requestBody(method: string, pathTemplate: string, body: unknown): string[];
  /** Errors of `value` against `#/components/schemas/<name>` (`[]` = valid). */
  schema(name: string, value: unknown): string[];
}

type Json = Record<string, unknown>;
// ajv-formats is CommonJS; under ESM its default export arrives wrapped once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function child(node: unknown, key: string): unknown {
  return node !== null && typeof node === "object" ? (node as Json)[key] : undefined;
}

function createValidator(specPath: string): OpenApiValidator {
  const text = readFileSync(specPath, "utf8");
  const spec = (specPath.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as Json;
  const is31 = String(spec["openapi"]).startsWith("3.1");
  // The spec doubles as the schema document so that its internal `#/components/...` refs resolve.
  // OpenAPI documents are not valid JSON Schema at the top level (`required: true` on parameters),
  // so meta-validation is off; unknown keywords (`example`, `x-*`) are ignored rather than rejected.
  const options = { strict: false, validateSchema: false, allErrors: true, logger: false } as const;
  const ajv = is31 ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv as Ajv);
  const specId = "openapi-spec";
  ajv.addSchema({ ...spec, $id: specId }, specId);
  const compiled = new Map<string, ValidateFunction>();

  const validateAt = (pointer: string, value: unknown, exists: unknown): string[] => {
    if (exists === undefined) throw new Error(`${specPath} has no schema at ${pointer}`);
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${specId}#${pointer}` });
      compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  };

  const operationPointer = (method: string, pathTemplate: string): [string, unknown] => {
    const op = child(child(spec["paths"], pathTemplate), method.toLowerCase());
    return [`/paths/${pointerEscape(pathTemplate)}/${method.toLowerCase()}`, op];
  };

  return {
    response(method, pathTemplate, status, body) {
      const [base, op] = operationPointer(method, pathTemplate);
      const responses = child(op, "responses");
      const key = child(responses, String(status)) !== undefined ? String(status) : "default";
      const pointer = `${base}/responses/${key}/content/application~1json/schema`;
      return validateAt(pointer, body, child(child(child(child(responses, key), "content"), "application/json"), "schema"));
    },
    requestBody(method, pathTemplate, body) {
      const [base, op] = operationPointer(method, pathTemplate);
      const pointer = `${base}/requestBody/content/application~1json/schema`;
      return validateAt(pointer, body, child(child(child(child(op, "requestBody"), "content"), "application/json"), "schema"));
    },
    schema(name, value) {
      return validateAt(`/components/schemas/${pointerEscape(name)}`, value, child(child(spec["components"], "schemas"), name));
    },
  };
}

const cache = new Map<string, OpenApiValidator>();

/** Loads (once per process) a validator over one of the published specs. */
export function loadOpenApiValidator(specPath: string): OpenApiValidator {
  let validator = cache.get(specPath);
  if (!validator) {
    validator = createValidator(specPath);
    cache.set(specPath, validator);
  }
  return validator;
}
