import { isJsonObject, isPortFailure, rejectRouteSchema } from "./failure";
import { PORT_PROPERTY_TYPES, type PortBlueprint, type PortFailure, type PortProperty, type PortRelation } from "./types";

// Blueprint identifiers follow the entity pattern without `=` and `'`, and are at most 100 long.
const BLUEPRINT_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$/u;
const BLUEPRINT_IDENTIFIER_MAX_LENGTH = 100;
// Property and relation identifiers (`schema.properties` and `relations` keys).
const FIELD_IDENTIFIER = /^[A-Za-z0-9@_=\\-]+$/;

function readProperties(raw: unknown): Record<string, PortProperty> | PortFailure {
  if (!isJsonObject(raw)) return rejectRouteSchema("schema.properties must be an object");
  for (const [name, property] of Object.entries(raw)) {
    if (!FIELD_IDENTIFIER.test(name) || name.length > 100) return rejectRouteSchema(`property identifier "${name}" must match ${FIELD_IDENTIFIER.source}`);
    if (!isJsonObject(property) || !PORT_PROPERTY_TYPES.some((type) => type === property["type"])) {
      return rejectRouteSchema(`schema.properties.${name}.type must be one of ${PORT_PROPERTY_TYPES.join(", ")}`);
    }
    if (property["enum"] !== undefined && !Array.isArray(property["enum"])) return rejectRouteSchema(`schema.properties.${name}.enum must be an array`);
    if (property["items"] !== undefined && !isJsonObject(property["items"])) return rejectRouteSchema(`schema.properties.${name}.items must be an object`);
  }
  return raw as Record<string, PortProperty>;
}

function readRelations(raw: unknown): Record<string, PortRelation> | PortFailure {
  if (!isJsonObject(raw)) return rejectRouteSchema("relations must be an object");
  const relations: Record<string, PortRelation> = {};
  for (const [name, relation] of Object.entries(raw)) {
    if (!FIELD_IDENTIFIER.test(name) || name.length > 100) return rejectRouteSchema(`relation identifier "${name}" must match ${FIELD_IDENTIFIER.source}`);
    if (!isJsonObject(relation) || typeof relation["target"] !== "string") return rejectRouteSchema(`relations.${name}.target must be a string`);
    const { many = false, required = false } = relation;
    if (typeof many !== "boolean" || typeof required !== "boolean") return rejectRouteSchema(`relations.${name}.many and .required must be booleans`);
    // Port's schema defaults `many` and `required` to false, so a blueprint without them is stored with them.
    relations[name] = { ...relation, target: relation["target"], many, required };
  }
  return relations;
}

/** Fails with 404 `not_found` naming the first relation whose target blueprint does not exist (a blueprint may relate to itself). */
export function checkRelationTargets(
  identifier: string,
  relations: Readonly<Record<string, PortRelation>>,
  hasBlueprint: (identifier: string) => boolean,
): PortFailure | undefined {
  for (const [name, relation] of Object.entries(relations)) {
    if (relation.target !== identifier && !hasBlueprint(relation.target)) {
      return { status: 404, error: "not_found", message: `Relation "${name}" of blueprint "${identifier}" targets blueprint "${relation.target}", which was not found` };
    }
  }
  return undefined;
}

/**
 * Reads a `POST /v1/blueprints` body into the blueprint to store: identifier pattern, title,
 * `schema.properties` types, relations with `many`/`required` defaulted to false. Keys the sandbox
 * does not interpret are kept. Relation targets are not checked here (see `checkRelationTargets`).
 */
export function readBlueprint(raw: unknown): PortBlueprint | PortFailure {
  if (!isJsonObject(raw)) return rejectRouteSchema("body must be an object");
  const { identifier, title, schema, relations = {} } = raw;
  if (typeof identifier !== "string" || identifier.length > BLUEPRINT_IDENTIFIER_MAX_LENGTH || !BLUEPRINT_IDENTIFIER.test(identifier)) {
    return rejectRouteSchema(`identifier must match "${BLUEPRINT_IDENTIFIER.source}" and be at most ${BLUEPRINT_IDENTIFIER_MAX_LENGTH} characters`);
  }
  if (typeof title !== "string" || title.length === 0 || title.length > 100) return rejectRouteSchema("title must be a string of 1 to 100 characters");
  if (!isJsonObject(schema)) return rejectRouteSchema("schema must be an object");
  const properties = readProperties(schema["properties"]);
  if (isPortFailure(properties)) return properties;
  const required = schema["required"] ?? [];
  if (!Array.isArray(required) || !required.every((name) => typeof name === "string")) return rejectRouteSchema("schema.required must be an array of strings");
  const readRelationsResult = readRelations(relations);
  if (isPortFailure(readRelationsResult)) return readRelationsResult;
  return { ...raw, identifier, title, schema: { properties, required: required as string[] }, relations: readRelationsResult };
}

/**
 * Applies a `PATCH /v1/blueprints/{identifier}` body to a stored blueprint: top-level keys are
 * replaced, while `schema.properties` and `relations` are merged key by key, so a patch can add a
 * relation or a property without repeating the rest (what Ocean's staged blueprint creation relies on).
 */
export function patchBlueprint(current: PortBlueprint, patch: unknown): PortBlueprint | PortFailure {
  if (!isJsonObject(patch)) return rejectRouteSchema("body must be an object");
  if (patch["identifier"] !== undefined && patch["identifier"] !== current.identifier) return rejectRouteSchema("identifier cannot be changed by a patch");
  const patchSchema = patch["schema"] ?? {};
  if (!isJsonObject(patchSchema)) return rejectRouteSchema("schema must be an object");
  const addedProperties = patchSchema["properties"] ?? {};
  if (!isJsonObject(addedProperties)) return rejectRouteSchema("schema.properties must be an object");
  const addedRelations = patch["relations"] ?? {};
  if (!isJsonObject(addedRelations)) return rejectRouteSchema("relations must be an object");
  const merged = {
    ...current,
    ...patch,
    identifier: current.identifier,
    schema: {
      properties: { ...current.schema.properties, ...addedProperties },
      required: patchSchema["required"] ?? current.schema.required ?? [],
    },
    relations: { ...current.relations, ...addedRelations },
  };
  return readBlueprint(merged);
}
