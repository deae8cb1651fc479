const PORT_ROUTE_NAMES = [
  "createAccessToken",
  "listBlueprints",
  "createBlueprint",
  "getBlueprint",
  "patchBlueprint",
  "deleteBlueprint",
  "upsertEntity",
  "bulkUpsertEntities",
  "deleteEntity",
  "bulkDeleteEntities",
  "searchBlueprintEntities",
  "searchEntities",
  "getIntegration",
  "createIntegration",
  "patchIntegration",
  "patchIntegrationConfig",
  "postKindExamples",
] as const;
export type PortRouteName = (typeof PORT_ROUTE_NAMES)[number];

export interface MatchedRoute {
  readonly name: PortRouteName;
  /** Path parameters, URL-decoded (`%2Fv2%2Fincidents` → `/v2/incidents`). */
  readonly params: Readonly<Record<string, string>>;
}

interface RouteDefinition {
  readonly name: PortRouteName;
  readonly method: string;
  readonly segments: readonly string[];
}

function define(name: PortRouteName, method: string, template: string): RouteDefinition {
  return { name, method, segments: template.split("/").filter(Boolean) };
}

const ROUTES: readonly RouteDefinition[] = [
  define("createAccessToken", "POST", "/v1/auth/access_token"),
  define("listBlueprints", "GET", "/v1/blueprints"),
  define("createBlueprint", "POST", "/v1/blueprints"),
  define("getBlueprint", "GET", "/v1/blueprints/{identifier}"),
  define("patchBlueprint", "PATCH", "/v1/blueprints/{identifier}"),
  define("deleteBlueprint", "DELETE", "/v1/blueprints/{identifier}"),
  define("upsertEntity", "POST", "/v1/blueprints/{blueprint_identifier}/entities"),
  define("bulkUpsertEntities", "POST", "/v1/blueprints/{blueprint_identifier}/entities/bulk"),
  define("searchBlueprintEntities", "POST", "/v1/blueprints/{blueprint_identifier}/entities/search"),
  define("deleteEntity", "DELETE", "/v1/blueprints/{blueprint_identifier}/entities/{entity_identifier}"),
  define("bulkDeleteEntities", "POST", "/v1/blueprints/{blueprint_identifier}/bulk/entities/delete"),
  define("searchEntities", "POST", "/v1/entities/search"),
  define("getIntegration", "GET", "/v1/integration/{identifier}"),
  define("createIntegration", "POST", "/v1/integration"),
  define("patchIntegration", "PATCH", "/v1/integration/{identifier}"),
  define("patchIntegrationConfig", "PATCH", "/v1/integration/{identifier}/config"),
  define("postKindExamples", "POST", "/v1/integration/{identifier}/kinds/{kind}/examples"),
];

// Port counts the entity routes against their own, larger budget (35,000 vs 15,000 per 5 minutes).
const ENTITY_ROUTES: ReadonlySet<PortRouteName> = new Set([
  "upsertEntity",
  "bulkUpsertEntities",
  "deleteEntity",
  "bulkDeleteEntities",
  "searchBlueprintEntities",
  "searchEntities",
]);

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Finds the route for a method and a raw (still URL-encoded) path. Segments are split before they
 * are decoded, so an encoded `/` inside an identifier or kind stays inside its parameter.
 */
export function matchRoute(method: string, rawPath: string): MatchedRoute | undefined {
  const segments = rawPath.split("/").filter(Boolean);
  for (const route of ROUTES) {
    if (route.method !== method.toUpperCase() || route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = route.segments.every((expected, index) => {
      const actual = segments[index] as string;
      if (!expected.startsWith("{")) return expected === actual;
      const decoded = decodeSegment(actual);
      if (decoded === undefined) return false;
      params[expected.slice(1, -1)] = decoded;
      return true;
    });
    if (matched) return { name: route.name, params };
  }
  return undefined;
}

/** A matched route other than the access-token one, which is served before authentication. */
export type ApiRoute = MatchedRoute & { readonly name: Exclude<PortRouteName, "createAccessToken"> };

/** True for every route that needs a bearer token. */
export function isApiRoute(route: MatchedRoute): route is ApiRoute {
  return route.name !== "createAccessToken";
}

/** True for routes Port counts against the entities API budget. */
export function isEntityRoute(name: PortRouteName): boolean {
  return ENTITY_ROUTES.has(name);
}
