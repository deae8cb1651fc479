import type { PortCatalog, UpsertOptions, UpsertResult } from "./catalog";
import { isJsonObject, isPortFailure, rejectRouteSchema } from "./failure";
import type { ApiRoute } from "./routes";
import { decodeSearchCursor, encodeSearchCursor, findIndexAfter, matchesQuery, projectEntity, readSearchQuery, readSearchScope } from "./search-query";
import type { BulkAnswerFaultRule, EntityFaultRule, PortEntity, PortFailure } from "./types";

const MAX_BULK_UPSERT = 20;
const MAX_BULK_DELETE = 100;
const DEFAULT_SEARCH_LIMIT = 200;
const MAX_SEARCH_LIMIT = 1000;
const SEARCH_BODY_KEYS = new Set(["query", "include", "exclude", "limit", "from"]);

/** A response to send: status and JSON body. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export type Query = Readonly<Record<string, string | readonly string[]>>;

interface ArmedEntityFault {
  readonly rule: EntityFaultRule;
  remaining: number;
}

interface ArmedAnswerFault {
  readonly rule: BulkAnswerFaultRule;
  remaining: number;
}

/** Everything the routes read and change, besides tokens and rate limits (the server's concern). */
export interface PortState {
  readonly catalog: PortCatalog;
  readonly integrations: Map<string, Record<string, unknown>>;
  /** Latest raw-data examples, keyed by integration and kind. */
  readonly examples: Map<string, unknown[]>;
  readonly entityFaults: ArmedEntityFault[];
  readonly answerFaults: ArmedAnswerFault[];
}

/** The key of `PortState.examples` for one integration and kind. */
export function makeExamplesKey(integration: string, kind: string): string {
  return `${integration}\u0000${kind}`;
}

function replyFailure(failure: PortFailure): Reply {
  return { status: failure.status, body: { ok: false, error: failure.error, message: failure.message } };
}

function replyNotFound(message: string): Reply {
  return replyFailure({ status: 404, error: "not_found", message });
}

function readBooleanParam(query: Query, name: string, required: boolean): boolean | PortFailure {
  const raw = query[name];
  if (raw === undefined) return required ? rejectRouteSchema(`querystring must have required property '${name}'`) : false;
  if (raw === "true") return true;
  if (raw === "false") return false;
  return rejectRouteSchema(`querystring/${name} must be boolean`);
}

function readUpsertOptions(query: Query): UpsertOptions | PortFailure {
  const upsert = readBooleanParam(query, "upsert", true);
  if (isPortFailure(upsert)) return upsert;
  const merge = readBooleanParam(query, "merge", false);
  if (isPortFailure(merge)) return merge;
  const createMissingRelatedEntities = readBooleanParam(query, "create_missing_related_entities", false);
  if (isPortFailure(createMissingRelatedEntities)) return createMissingRelatedEntities;
  const validationOnly = readBooleanParam(query, "validation_only", false);
  if (isPortFailure(validationOnly)) return validationOnly;
  // Port documents `merge` as taking effect only together with `upsert`.
  return { upsert, merge: merge && upsert, createMissingRelatedEntities, validationOnly };
}

function readSelectors(value: unknown, name: string): string[] | PortFailure {
  if (value === undefined) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) return rejectRouteSchema(`${name} must be an array of strings`);
  // Query-string selectors may also arrive comma-joined; property identifiers never hold a comma.
  return list.flatMap((item: string) => item.split(",")).filter(Boolean);
}

function takeEntityFault(state: PortState, blueprint: string, identifier: unknown): PortFailure | undefined {
  const armed = state.entityFaults.find((fault) => fault.remaining > 0 && fault.rule.blueprint === blueprint && fault.rule.identifier === identifier);
  if (!armed) return undefined;
  armed.remaining -= 1;
  return {
    status: armed.rule.status ?? 422,
    error: armed.rule.error ?? "blueprint_schema_mismatch",
    message: armed.rule.message ?? `The provided entity does not match the blueprint's schema (injected for "${String(identifier)}")`,
  };
}

function upsertOne(state: PortState, blueprint: string, raw: unknown, options: UpsertOptions): UpsertResult | PortFailure {
  const identifier = isJsonObject(raw) ? raw["identifier"] : undefined;
  return takeEntityFault(state, blueprint, identifier) ?? state.catalog.upsertEntity(blueprint, raw, options);
}

function upsertEntity(state: PortState, blueprint: string, query: Query, body: unknown): Reply {
  const options = readUpsertOptions(query);
  if (isPortFailure(options)) return replyFailure(options);
  if (!isJsonObject(body)) return replyFailure(rejectRouteSchema("body must be an object"));
  const result = upsertOne(state, blueprint, body, options);
  if (isPortFailure(result)) return replyFailure(result);
  return { status: 201, body: { ok: true, entity: projectEntity(result.entity) } };
}

interface BulkAnswer {
  readonly succeeded: { created: boolean; identifier: string; index: number }[];
  readonly errors: { identifier: string; index: number; statusCode: number; error: string; message: string }[];
}

/** Applies an armed BulkAnswerFaultRule to the answer about the entity just written at `index`. */
function misreport(state: PortState, blueprint: string, identifier: string, index: number, answer: BulkAnswer): void {
  const armed = state.answerFaults.find((fault) => fault.remaining > 0 && fault.rule.blueprint === blueprint && fault.rule.identifier === identifier);
  if (!armed) return;
  armed.remaining -= 1;
  if (armed.rule.answer === "another-identifier") {
    const item = answer.succeeded.at(-1);
    if (item) item.identifier = `${identifier}-not-this-one`;
    return;
  }
  answer.errors.push({ identifier, index, statusCode: 422, error: "blueprint_schema_mismatch", message: `The provided entity does not match the blueprint's schema (listed in errors too, for "${identifier}")` });
}

function bulkUpsertEntities(state: PortState, blueprint: string, query: Query, body: unknown): Reply {
  const options = readUpsertOptions(query);
  if (isPortFailure(options)) return replyFailure(options);
  if (!state.catalog.blueprint(blueprint)) return replyNotFound(`Blueprint with identifier "${blueprint}" was not found`);
  if (!isJsonObject(body) || !Array.isArray(body["entities"])) return replyFailure(rejectRouteSchema("body must have required property 'entities'"));
  const extra = Object.keys(body).find((key) => key !== "entities");
  if (extra !== undefined) return replyFailure(rejectRouteSchema(`body must NOT have additional property '${extra}'`));
  const entities: unknown[] = body["entities"];
  if (entities.length < 1 || entities.length > MAX_BULK_UPSERT) {
    return replyFailure(rejectRouteSchema(`body/entities must hold 1 to ${MAX_BULK_UPSERT} entities (maxBulkSize ${MAX_BULK_UPSERT}), got ${entities.length}`));
  }
  const badIndex = entities.findIndex((entity) => !isJsonObject(entity));
  if (badIndex >= 0) return replyFailure(rejectRouteSchema(`body/entities/${badIndex} must be object`));
  const succeeded: BulkAnswer["succeeded"] = [];
  const errors: BulkAnswer["errors"] = [];
  for (const [index, raw] of entities.entries()) {
    const result = upsertOne(state, blueprint, raw, options);
    if (isPortFailure(result)) {
      const identifier = (raw as Record<string, unknown>)["identifier"];
      errors.push({ identifier: typeof identifier === "string" ? identifier : "", index, statusCode: result.status, error: result.error, message: result.message });
    } else {
      succeeded.push({ created: result.created, identifier: result.entity.identifier, index });
      misreport(state, blueprint, result.entity.identifier, index, { succeeded, errors });
    }
  }
  // 207 (with ok: false) as soon as one entity failed, so a client that only looks at `ok` notices.
  const status = errors.length === 0 ? 200 : 207;
  return { status, body: { ok: errors.length === 0, maxBulkSize: MAX_BULK_UPSERT, entities: succeeded, errors } };
}

function deleteEntity(state: PortState, blueprint: string, identifier: string, query: Query): Reply {
  const deleteDependents = readBooleanParam(query, "delete_dependents", true);
  if (isPortFailure(deleteDependents)) return replyFailure(deleteDependents);
  if (state.catalog.blueprint(blueprint) && !state.catalog.entity(blueprint, identifier)) {
    return replyNotFound(`Entity with identifier "${identifier}" of blueprint "${blueprint}" was not found`);
  }
  const result = state.catalog.deleteEntities(blueprint, [identifier], deleteDependents);
  return isPortFailure(result) ? replyFailure(result) : { status: 200, body: { ok: true } };
}

function bulkDeleteEntities(state: PortState, blueprint: string, query: Query, body: unknown): Reply {
  const deleteDependents = readBooleanParam(query, "delete_dependents", true);
  if (isPortFailure(deleteDependents)) return replyFailure(deleteDependents);
  if (!isJsonObject(body) || !Array.isArray(body["entities"])) return replyFailure(rejectRouteSchema("body must have required property 'entities'"));
  const extra = Object.keys(body).find((key) => key !== "entities");
  if (extra !== undefined) return replyFailure(rejectRouteSchema(`body must NOT have additional property '${extra}'`));
  const identifiers: unknown[] = body["entities"];
  if (identifiers.length < 1 || identifiers.length > MAX_BULK_DELETE) {
    return replyFailure(rejectRouteSchema(`body/entities must hold 1 to ${MAX_BULK_DELETE} identifiers (maxBulkSize ${MAX_BULK_DELETE}), got ${identifiers.length}`));
  }
  if (!identifiers.every((identifier) => typeof identifier === "string")) return replyFailure(rejectRouteSchema("body/entities must be an array of strings"));
  const deleted = state.catalog.deleteEntities(blueprint, identifiers as string[], deleteDependents);
  if (isPortFailure(deleted)) return replyFailure(deleted);
  return { status: 200, body: { ok: true, deletedEntities: deleted, maxBulkSize: MAX_BULK_DELETE } };
}

function readLimit(value: unknown): number | PortFailure {
  if (value === undefined) return DEFAULT_SEARCH_LIMIT;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_SEARCH_LIMIT) {
    return rejectRouteSchema(`body/limit must be an integer from 1 to ${MAX_SEARCH_LIMIT}`);
  }
  return value;
}

function searchBlueprintEntities(state: PortState, blueprint: string, rawBody: unknown): Reply {
  const body = rawBody ?? {};
  if (!isJsonObject(body)) return replyFailure(rejectRouteSchema("body must be an object"));
  const extra = Object.keys(body).find((key) => !SEARCH_BODY_KEYS.has(key));
  if (extra !== undefined) return replyFailure(rejectRouteSchema(`body must NOT have additional property '${extra}'`));
  if (!state.catalog.blueprint(blueprint)) return replyNotFound(`Blueprint with identifier "${blueprint}" was not found`);
  const limit = readLimit(body["limit"]);
  if (isPortFailure(limit)) return replyFailure(limit);
  const query = body["query"] === undefined ? undefined : readSearchQuery(body["query"]);
  if (isPortFailure(query)) return replyFailure(query);
  const include = readSelectors(body["include"], "body/include");
  if (isPortFailure(include)) return replyFailure(include);
  const exclude = readSelectors(body["exclude"], "body/exclude");
  if (isPortFailure(exclude)) return replyFailure(exclude);
  const from = body["from"];
  const after = typeof from === "string" ? decodeSearchCursor(from) : undefined;
  if (from !== undefined && after === undefined) return replyFailure(rejectRouteSchema("body/from must be a `next` value this API returned"));
  const sorted = state.catalog.identifiersOf(blueprint);
  const start = after === undefined ? 0 : findIndexAfter(sorted, after);
  const page: PortEntity[] = [];
  let hasMore = false;
  for (let index = start; index < sorted.length; index += 1) {
    const entity = state.catalog.entity(blueprint, sorted[index] as string);
    if (!entity || (query !== undefined && !matchesQuery(entity, query))) continue;
    if (page.length === limit) {
      hasMore = true;
      break;
    }
    page.push(entity);
  }
  const last = page.at(-1);
  return {
    status: 200,
    body: {
      ok: true,
      ...(hasMore && last ? { next: encodeSearchCursor(last.identifier) } : {}),
      entities: page.map((entity) => projectEntity(entity, include, exclude)),
    },
  };
}

function searchEntities(state: PortState, query: Query, body: unknown): Reply {
  const search = readSearchQuery(body);
  if (isPortFailure(search)) return replyFailure(search);
  const include = readSelectors(query["include"], "querystring/include");
  if (isPortFailure(include)) return replyFailure(include);
  const exclude = readSelectors(query["exclude"], "querystring/exclude");
  if (isPortFailure(exclude)) return replyFailure(exclude);
  const scope = readSearchScope(search);
  const blueprints = scope.blueprints ? [...scope.blueprints] : state.catalog.listBlueprints().map((blueprint) => blueprint.identifier);
  const matches: PortEntity[] = [];
  for (const blueprint of blueprints) {
    const candidates = scope.identifiers
      ? [...scope.identifiers].flatMap((identifier) => state.catalog.entity(blueprint, identifier) ?? [])
      : state.catalog.entitiesOf(blueprint);
    for (const entity of candidates) if (matchesQuery(entity, search)) matches.push(entity);
  }
  return { status: 200, body: { ok: true, entities: matches.map((entity) => projectEntity(entity, include, exclude)) } };
}

function replyBlueprint(result: unknown, status: number): Reply {
  return isPortFailure(result) ? replyFailure(result) : { status, body: { ok: true, blueprint: result } };
}

function replyIntegration(state: PortState, identifier: string, status = 200): Reply {
  const integration = state.integrations.get(identifier);
  return integration ? { status, body: { ok: true, integration } } : replyNotFound(`Integration with identifier "${identifier}" was not found`);
}

function createIntegration(state: PortState, body: unknown): Reply {
  if (!isJsonObject(body) || typeof body["installationId"] !== "string" || body["installationId"].length === 0) {
    return replyFailure(rejectRouteSchema("body must have required property 'installationId'"));
  }
  const identifier = body["installationId"];
  if (state.integrations.has(identifier)) {
    return replyFailure({ status: 409, error: "identifier_taken", message: `An integration with identifier "${identifier}" already exists` });
  }
  const now = new Date().toISOString();
  state.integrations.set(identifier, { config: {}, ...body, identifier, createdAt: now, updatedAt: now });
  return replyIntegration(state, identifier, 201);
}

function patchIntegration(state: PortState, identifier: string, body: unknown, configOnly: boolean): Reply {
  const current = state.integrations.get(identifier);
  if (!current) return replyNotFound(`Integration with identifier "${identifier}" was not found`);
  const patch = body ?? {};
  if (!isJsonObject(patch)) return replyFailure(rejectRouteSchema("body must be an object"));
  if (configOnly && !("config" in patch)) return replyFailure(rejectRouteSchema("body must have required property 'config'"));
  const changes = configOnly ? { config: patch["config"] } : patch;
  state.integrations.set(identifier, { ...current, ...changes, identifier, updatedAt: new Date().toISOString() });
  return replyIntegration(state, identifier);
}

function postKindExamples(state: PortState, identifier: string, kind: string, body: unknown): Reply {
  if (!state.integrations.has(identifier)) return replyNotFound(`Integration with identifier "${identifier}" was not found`);
  if (!isJsonObject(body) || !Array.isArray(body["examples"])) return replyFailure(rejectRouteSchema("body must have required property 'examples' (an array)"));
  state.examples.set(makeExamplesKey(identifier, kind), body["examples"]);
  return { status: 200, body: { ok: true } };
}

/** Serves one authenticated Port route against the in-memory state. */
export function handlePortRoute(state: PortState, route: ApiRoute, query: Query, body: unknown): Reply {
  const { catalog } = state;
  const param = (name: string): string => route.params[name] ?? "";
  const blueprint = param("blueprint_identifier");
  switch (route.name) {
    case "listBlueprints":
      return { status: 200, body: { ok: true, blueprints: catalog.listBlueprints() } };
    case "createBlueprint":
      return replyBlueprint(catalog.createBlueprint(body), 201);
    case "getBlueprint": {
      const found = catalog.blueprint(param("identifier"));
      return found ? replyBlueprint(found, 200) : replyNotFound(`Blueprint with identifier "${param("identifier")}" was not found`);
    }
    case "patchBlueprint":
      return replyBlueprint(catalog.patchBlueprint(param("identifier"), body), 200);
    case "deleteBlueprint": {
      const failure = catalog.deleteBlueprint(param("identifier"));
      return failure ? replyFailure(failure) : { status: 200, body: { ok: true } };
    }
    case "upsertEntity":
      return upsertEntity(state, blueprint, query, body);
    case "bulkUpsertEntities":
      return bulkUpsertEntities(state, blueprint, query, body);
    case "deleteEntity":
      return deleteEntity(state, blueprint, param("entity_identifier"), query);
    case "bulkDeleteEntities":
      return bulkDeleteEntities(state, blueprint, query, body);
    case "searchBlueprintEntities":
      return searchBlueprintEntities(state, blueprint, body);
    case "searchEntities":
      return searchEntities(state, query, body);
    case "getIntegration":
      return replyIntegration(state, param("identifier"));
    case "createIntegration":
      return createIntegration(state, body);
    case "patchIntegration":
      return patchIntegration(state, param("identifier"), body, false);
    case "patchIntegrationConfig":
      return patchIntegration(state, param("identifier"), body, true);
    case "postKindExamples":
      return postKindExamples(state, param("identifier"), param("kind"), body);
  }
}
