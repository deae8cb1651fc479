import { nearestName } from "../nearest-name";
import { programName } from "../program-name";
import { SETTINGS, type SettingSpec } from "./settings";

/** The keys each block of a `port-app-config.yml` may hold; `*` stands for names the user chooses. */
interface KeyTree {
  readonly [key: string]: KeyTree | "leaf";
}

const PAGINATION: KeyTree = {};
const PATH_PARAMETER: KeyTree = {
  endpoint: "leaf",
  method: "leaf",
  query_params: "leaf",
  data_path: "leaf",
  field: "leaf",
  filter: "leaf",
  pagination: PAGINATION,
};
const RESOURCE: KeyTree = {
  kind: "leaf",
  selector: {
    query: "leaf",
    method: "leaf",
    data_path: "leaf",
    query_params: "leaf",
    path_parameters: { "*": PATH_PARAMETER },
    pagination: PAGINATION,
  },
  port: {
    itemsToParse: "leaf",
    itemsToParseName: "leaf",
    entity: {
      mappings: { identifier: "leaf", title: "leaf", blueprint: "leaf", icon: "leaf", team: "leaf", properties: "leaf", relations: "leaf" },
    },
  },
};
const PORT_APP_CONFIG: KeyTree = {
  deleteDependentEntities: "leaf",
  createMissingRelatedEntities: "leaf",
  enableMergeEntity: "leaf",
  entityDeletionThreshold: "leaf",
  resources: { "[]": RESOURCE },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function visit(node: unknown, tree: KeyTree, path: string, found: string[]): void {
  if (tree["[]"] !== undefined) {
    if (Array.isArray(node)) node.forEach((element, index) => visit(element, tree["[]"] as KeyTree, `${path}[${index}]`, found));
    return;
  }
  // `pagination` blocks are checked strictly by the schema already.
  if (!isPlainObject(node) || tree === PAGINATION) return;
  for (const [key, value] of Object.entries(node)) {
    // Own keys only: "__proto__", "constructor" and "toString" are a user's typos, not the tree's.
    const child = Object.hasOwn(tree, key) ? tree[key] : tree["*"];
    const at = path === "" ? key : `${path}.${key}`;
    if (child === undefined) found.push(at);
    else if (child !== "leaf") visit(value, child, at, found);
  }
}

/**
 * Lists the keys of a parsed `port-app-config.yml` that the product does not read (`resources[2].selectr`),
 * in document order. The schema strips them silently, and a misspelt key would otherwise quietly fall
 * back to a default.
 */
export function listUnknownKeys(document: unknown): string[] {
  const found: string[] = [];
  visit(document, PORT_APP_CONFIG, "", found);
  return found;
}

// Every variable a setting reads, the `…_FILE` form of a secret's included.
const SETTING_ENV_NAMES = (Object.values(SETTINGS) as SettingSpec[]).flatMap((spec) => [...spec.env, ...(spec.secret ? spec.env.map((name) => `${name}_FILE`) : [])]);
// Names under these prefixes are meant for this tool (or for Ocean, whose names it reads).
const SETTING_PREFIXES = ["OCEAN__", "ETL_"];

/**
 * Warnings for the environment variables named like a setting (`OCEAN__…`, `ETL_…`) that no setting reads,
 * each naming the nearest one that does: a misspelt name would otherwise leave its setting at the default
 * without a word. Only names are quoted, never values.
 */
export function warnUnknownEnvNames(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((name) => env[name] && SETTING_PREFIXES.some((prefix) => name.startsWith(prefix)) && !SETTING_ENV_NAMES.includes(name))
    .sort()
    .map((name) => {
      const nearest = nearestName(name, SETTING_ENV_NAMES);
      return `${name} is set, but no setting reads it${nearest ? `: did you mean ${nearest}?` : ` (${programName()} config lists the settings and their variables)`}`;
    });
}
