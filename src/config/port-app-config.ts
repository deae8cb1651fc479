import { z } from "zod";
import type { Blueprint } from "../model/blueprint";
import type { EntityMappings, PathParameter, PortAppConfig, ResourceMapping } from "../model/mapping";
import { PAGINATION_TYPES, type PaginationSettings } from "../model/pagination";
import { checkEndpoint, endpointWarnings, kindPath, kindQuery } from "./incidentio-endpoints";
import { resolvePagination, type PaginationOverride } from "./pagination";
import { listUnknownKeys } from "./unknown-keys";
import { parseYamlText } from "./yaml-text";
import { formatZodIssues } from "./zod-issues";

const Expression = z.string({ error: "must be a jq expression (a string)" }).trim().min(1, "must not be empty");
// YAML turns `page_size: 50` into a number and `include_inactive: true` into a boolean; the URL needs text.
const QueryValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const PaginationBlock = z.strictObject({
  type: z.enum(PAGINATION_TYPES, { error: `must be one of ${PAGINATION_TYPES.join(", ")}` }).optional(),
  page_size: z.coerce.number().int().positive().optional(),
  param: z.string().min(1).optional(),
  size_param: z.string().min(1).optional(),
  cursor_path: z.string().min(1).optional(),
  has_more_path: z.string().min(1).optional(),
  start_page: z.coerce.number().int().nonnegative().optional(),
});

const NotSupportedMethod = z
  .string()
  .refine((m) => m.toUpperCase() === "GET", "only GET is supported: every Incident.io list endpoint is a GET")
  .optional();

const PathParameterBlock = z.object({
  endpoint: z.string().startsWith("/", "must be a path starting with /"),
  method: NotSupportedMethod,
  query_params: z.record(z.string(), QueryValue).optional(),
  data_path: Expression.optional(),
  field: Expression,
  filter: Expression.optional(),
  pagination: PaginationBlock.optional(),
});

const SearchQueryNotSupported = z.string({
  error: "must be a jq expression; search-query objects ({combinator, rules}) are not supported",
});

const ResourceBlock = z.object({
  kind: z.string().startsWith("/", "must be the endpoint path, starting with /"),
  selector: z
    .object({
      query: Expression.default("true"),
      method: NotSupportedMethod,
      data_path: Expression.optional(),
      query_params: z.record(z.string(), QueryValue).optional(),
      path_parameters: z.record(z.string(), PathParameterBlock).optional(),
      pagination: PaginationBlock.optional(),
    })
    .default({ query: "true" }),
  port: z.object({
    itemsToParse: Expression.optional(),
    itemsToParseName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain name").default("item"),
    entity: z.object({
      mappings: z.object({
        identifier: SearchQueryNotSupported.pipe(Expression),
        title: Expression.optional(),
        blueprint: Expression,
        icon: Expression.optional(),
        team: SearchQueryNotSupported.pipe(Expression).optional(),
        properties: z.record(z.string(), Expression).default({}),
        relations: z.record(z.string(), SearchQueryNotSupported.pipe(Expression)).default({}),
      }),
    }),
  }),
});

const PortAppConfigBlock = z.object({
  // Ocean's code defaults (port-ocean.md §2.1), which differ from its docs page.
  deleteDependentEntities: z.boolean().default(true),
  createMissingRelatedEntities: z.boolean().default(true),
  enableMergeEntity: z.boolean().default(true),
  entityDeletionThreshold: z.number().min(0).max(1).default(0.9),
  resources: z.array(ResourceBlock).min(1, "must list at least one resource"),
});

type ResourceInput = z.infer<typeof ResourceBlock>;

export interface ParsedPortAppConfig {
  readonly config: PortAppConfig | undefined;
  readonly issues: readonly string[];
  readonly warnings: readonly string[];
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** The literal blueprint of a mapping (`'"incidentioUser"'`), or undefined when it is computed per record. */
function literalBlueprint(expression: string): string | undefined {
  const m = /^"([^"\\]+)"$/.exec(expression.trim()) ?? /^'([^'\\]+)'$/.exec(expression.trim());
  return m?.[1];
}

function shortName(kind: string): string {
  const segments = kindPath(kind).split("/").filter(Boolean);
  return segments.at(-1) ?? kind;
}

function toPathParameter(name: string, block: z.infer<typeof PathParameterBlock>, global: PaginationSettings): PathParameter {
  return {
    name,
    endpoint: block.endpoint,
    queryParams: block.query_params ?? {},
    dataPath: block.data_path,
    field: block.field,
    filter: block.filter,
    pagination: resolvePagination(global, block.pagination as PaginationOverride | undefined),
  };
}

function checkResource(
  at: string,
  resource: ResourceInput,
  global: PaginationSettings,
  pagination: PaginationSettings,
  blueprints: ReadonlyMap<string, Blueprint>,
  issues: string[],
): void {
  const pathParams = resource.selector.path_parameters ?? {};
  const queryParams = resource.selector.query_params ?? {};
  const used = new Set([...placeholders(resource.kind), ...Object.values(queryParams).flatMap(placeholders)]);
  for (const name of used) {
    if (!Object.hasOwn(pathParams, name)) issues.push(`${at}.kind: {${name}} has no selector.path_parameters.${name} to fill it`);
  }
  for (const name of Object.keys(pathParams)) {
    if (!used.has(name)) issues.push(`${at}.selector.path_parameters.${name}: not used as {${name}} in the kind or query_params`);
  }
  if (Object.keys(pathParams).length > 1) {
    issues.push(`${at}.selector.path_parameters: only one path parameter per resource is supported (as in Ocean)`);
  }
  const sentParams = [...Object.keys(kindQuery(resource.kind)), ...Object.keys(queryParams)];
  const pageSize = pagination.type === "none" ? undefined : pagination.pageSize;
  for (const problem of checkEndpoint(resource.kind, pageSize, sentParams)) issues.push(`${at}.kind: ${problem}`);
  for (const [name, block] of Object.entries(pathParams)) {
    const parent = resolvePagination(global, block.pagination as PaginationOverride | undefined);
    const parentPageSize = parent.type === "none" ? undefined : parent.pageSize;
    for (const problem of checkEndpoint(block.endpoint, parentPageSize, Object.keys(block.query_params ?? {}))) {
      issues.push(`${at}.selector.path_parameters.${name}.endpoint: ${problem}`);
    }
  }

  const mappings = resource.port.entity.mappings;
  const blueprintId = literalBlueprint(mappings.blueprint);
  if (blueprintId === undefined || blueprints.size === 0) return;
  const blueprint = blueprints.get(blueprintId);
  if (!blueprint) {
    issues.push(`${at}.port.entity.mappings.blueprint: blueprint "${blueprintId}" is not defined in the blueprints file`);
    return;
  }
  for (const property of Object.keys(mappings.properties)) {
    if (!Object.hasOwn(blueprint.schema.properties, property)) {
      issues.push(
        `${at}.port.entity.mappings.properties.${property}: blueprint "${blueprintId}" has no property "${property}" (Port rejects unknown properties)`,
      );
    }
  }
  for (const relation of Object.keys(mappings.relations)) {
    if (!Object.hasOwn(blueprint.relations, relation)) {
      issues.push(`${at}.port.entity.mappings.relations.${relation}: blueprint "${blueprintId}" has no relation "${relation}"`);
    }
  }
}

/** What determines the HTTP requests of a resource; two resources of one kind must agree on it, since raw records are keyed by kind. */
function fetchSignature(resource: ResourceMapping): string {
  const { query: _query, ...fetch } = resource.selector;
  return JSON.stringify(fetch);
}

function toResourceMapping(index: number, resource: ResourceInput, pagination: PaginationSettings): ResourceMapping {
  const m = resource.port.entity.mappings;
  const mappings: EntityMappings = {
    identifier: m.identifier,
    title: m.title,
    blueprint: m.blueprint,
    icon: m.icon,
    team: m.team,
    properties: m.properties,
    relations: m.relations,
  };
  return {
    index,
    kind: resource.kind,
    name: shortName(resource.kind),
    selector: {
      query: resource.selector.query,
      dataPath: resource.selector.data_path,
      queryParams: resource.selector.query_params ?? {},
      pathParameters: Object.entries(resource.selector.path_parameters ?? {}).map(([name, block]) =>
        toPathParameter(name, block, pagination),
      ),
      pagination,
    },
    itemsToParse: resource.port.itemsToParse,
    itemsToParseName: resource.port.itemsToParseName,
    mappings,
  };
}

/**
 * Parses and validates a `port-app-config.yml` text. Never throws: returns every problem found, each
 * prefixed with `label` and the YAML path (`port-app-config.yml: resources[3].kind: ...`).
 * `blueprints` (may be empty) lets it reject properties and relations the target blueprint lacks.
 */
export function parsePortAppConfig(
  text: string,
  label: string,
  global: PaginationSettings,
  blueprints: readonly Blueprint[],
): ParsedPortAppConfig {
  const yaml = parseYamlText(text, label);
  if (!yaml.ok) return { config: undefined, issues: yaml.issues, warnings: [] };
  const parsed = PortAppConfigBlock.safeParse(yaml.value);
  const unknownKeys = listUnknownKeys(yaml.value);
  if (!parsed.success) {
    // A key the schema misses is often the misspelt or misindented twin of one it missed: name both.
    const strays = unknownKeys.map((path) => `${label}: ${path}: unknown key (check its spelling and indentation)`);
    return { config: undefined, issues: [...formatZodIssues(label, parsed.error), ...strays], warnings: [] };
  }

  const issues: string[] = [];
  const warnings = unknownKeys.map((path) => `${label}: ${path}: unknown key, ignored (check its spelling and indentation)`);
  const byId = new Map(blueprints.map((b) => [b.identifier, b]));
  const resources = parsed.data.resources.map((resource, index) => {
    const pagination = resolvePagination(global, resource.selector.pagination as PaginationOverride | undefined);
    checkResource(`${label}: resources[${index}]`, resource, global, pagination, byId, issues);
    warnings.push(...endpointWarnings(resource.kind).map((w) => `${label}: resources[${index}]: ${w}`));
    return toResourceMapping(index, resource, pagination);
  });

  const firstOfKind = new Map<string, ResourceMapping>();
  for (const resource of resources) {
    const first = firstOfKind.get(resource.kind);
    if (!first) firstOfKind.set(resource.kind, resource);
    else if (fetchSignature(first) !== fetchSignature(resource)) {
      issues.push(
        `${label}: resources[${resource.index}]: kind ${resource.kind} is also resources[${first.index}] with a different data_path, ` +
          "query_params, path_parameters or pagination; resources of one kind must fetch the same way",
      );
    }
  }
  // Two kinds with the same last segment (/v2/follow_ups and /v3/follow_ups) get their full path as name.
  const nameCounts = new Map<string, Set<string>>();
  for (const r of resources) nameCounts.set(r.name, (nameCounts.get(r.name) ?? new Set()).add(r.kind));
  const named = resources.map((r) =>
    (nameCounts.get(r.name)?.size ?? 0) > 1 ? { ...r, name: kindPath(r.kind).replace(/^\//, "") } : r,
  );

  if (issues.length > 0) return { config: undefined, issues, warnings };
  return {
    config: {
      deleteDependentEntities: parsed.data.deleteDependentEntities,
      createMissingRelatedEntities: parsed.data.createMissingRelatedEntities,
      enableMergeEntity: parsed.data.enableMergeEntity,
      entityDeletionThreshold: parsed.data.entityDeletionThreshold,
      resources: named,
    },
    issues: [],
    warnings,
  };
}
