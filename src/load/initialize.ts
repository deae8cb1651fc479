import type { StagingDb } from "../../db/database";
import { addPendingBlueprints, listPendingBlueprints, removePendingBlueprints } from "../../db/queries/pending-blueprints";
import { renderSelector } from "../config/render-selector";
import { ConfigError, HttpError, LoadError } from "../errors";
import type { Blueprint } from "../model/blueprint";
import type { PortAppConfig, ResourceMapping } from "../model/mapping";
import { describePortError } from "./batches";
import type { PortClient } from "./port-client";
import { orderBlueprintLevels } from "./relation-order";

// Keys Ocean strips before the first POST because they may name other blueprints or their relations.
const DEFERRED_KEYS = ["relations", "mirrorProperties", "calculationProperties", "aggregationProperties", "teamInheritance", "ownership"] as const;

/** The requests that create missing blueprints: bare ones first, then their relations, then what builds on relations. */
export interface BlueprintCreation {
  readonly create: readonly Record<string, unknown>[];
  readonly relationPatches: readonly { readonly identifier: string; readonly patch: Record<string, unknown> }[];
  readonly finishingPatches: readonly { readonly identifier: string; readonly patch: Record<string, unknown> }[];
}

/**
 * Plans the creation of the wanted blueprints Port does not have, as Ocean does it: each is first
 * created without relations, mirror/calculation/aggregation properties, team inheritance and
 * ownership (so blueprints that relate to each other, even in a cycle, can all be created), then
 * its relations are patched in, then the rest. Blueprints Port already has are left untouched.
 * Creation follows relation order (targets first). Pure.
 */
export function planBlueprintCreation(wanted: readonly Blueprint[], existing: ReadonlySet<string>): BlueprintCreation {
  const missing = new Map(wanted.filter((blueprint) => !existing.has(blueprint.identifier)).map((blueprint) => [blueprint.identifier, blueprint]));
  const ordered = orderBlueprintLevels([...missing.keys()], (identifier) =>
    Object.values(missing.get(identifier)?.relations ?? {}).map((relation) => relation.target),
  ).flat();
  const create: Record<string, unknown>[] = [];
  const relationPatches: { identifier: string; patch: Record<string, unknown> }[] = [];
  const finishingPatches: { identifier: string; patch: Record<string, unknown> }[] = [];
  for (const identifier of ordered) {
    const blueprint = missing.get(identifier) as Blueprint & Record<string, unknown>;
    const bare: Record<string, unknown> = {};
    const finishing: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(blueprint)) {
      if (value === undefined) continue;
      if ((DEFERRED_KEYS as readonly string[]).includes(key)) {
        if (key !== "relations") finishing[key] = value;
      } else {
        bare[key] = value;
      }
    }
    create.push(bare);
    if (Object.keys(blueprint.relations).length > 0) relationPatches.push({ identifier, patch: { relations: blueprint.relations } });
    if (Object.keys(finishing).length > 0) finishingPatches.push({ identifier, patch: finishing });
  }
  return { create, relationPatches, finishingPatches };
}

/**
 * Creates the blueprints of `wanted` that Port lacks (never changing one it has that a load did not
 * create) and returns the identifiers created or finished. Blueprints are recorded in
 * `pending_blueprints` before they are created and forgotten once Port took their last patch, so
 * blueprints a stopped or killed load left without their relations are patched again by the next
 * load. Throws ConfigError when Port refuses a blueprint definition (naming it and Port's message),
 * LoadError when Port's blueprint list cannot be read, HttpError when Port cannot be reached.
 */
export async function ensureBlueprints(client: PortClient, db: StagingDb, wanted: readonly Blueprint[], runId: number): Promise<string[]> {
  const listed = await client.listBlueprints();
  if (listed.status !== 200) {
    throw new LoadError({ blueprint: "*", status: listed.status, portMessage: `cannot list blueprints: ${describePortError(listed.body)}` });
  }
  const wantedIdentifiers = new Set(wanted.map((blueprint) => blueprint.identifier));
  const recorded = await listPendingBlueprints(db);
  await removePendingBlueprints(db, recorded.filter((identifier) => !wantedIdentifiers.has(identifier)));
  const pending = new Set(recorded.filter((identifier) => wantedIdentifiers.has(identifier)));
  // A pending blueprint is planned as if missing: its create answers 409, and its patches are sent again.
  const existing = new Set(readIdentifiers(listed.body).filter((identifier) => !pending.has(identifier)));
  const creation = planBlueprintCreation(wanted, existing);
  await addPendingBlueprints(db, creation.create.map((body) => String(body["identifier"])), runId);
  const created = new Set<string>();
  for (const body of creation.create) {
    const identifier = String(body["identifier"]);
    const reply = await client.createBlueprint(body);
    if (reply.status === 409 && !pending.has(identifier)) {
      // Created by someone else since the list was read: theirs is kept, and so are its relations.
      await removePendingBlueprints(db, [identifier]);
      continue;
    }
    if (reply.status !== 200 && reply.status !== 201 && reply.status !== 409) refuse(identifier, "create", reply);
    created.add(identifier);
  }
  for (const { identifier, patch } of [...creation.relationPatches, ...creation.finishingPatches]) {
    if (!created.has(identifier)) continue;
    const reply = await client.patchBlueprint(identifier, patch);
    if (reply.status !== 200) refuse(identifier, "patch", reply);
  }
  await removePendingBlueprints(db, [...created]);
  return [...created];
}

/**
 * The mapping as Port's integration `config` holds it (the `port-app-config.yml` shape, snake_case
 * selector keys), with each resource's effective pagination under `selector.pagination`.
 */
export function buildIntegrationConfig(mapping: PortAppConfig): Record<string, unknown> {
  return {
    deleteDependentEntities: mapping.deleteDependentEntities,
    createMissingRelatedEntities: mapping.createMissingRelatedEntities,
    enableMergeEntity: mapping.enableMergeEntity,
    entityDeletionThreshold: mapping.entityDeletionThreshold,
    resources: mapping.resources.map(buildResourceConfig),
  };
}

/** What Port's integration holds: nothing (404), an empty config, or a mapping users may have edited in Port's UI. */
export type IntegrationState =
  | { readonly state: "absent" }
  | { readonly state: "empty" }
  | { readonly state: "configured"; readonly config: Record<string, unknown> };

/**
 * Whether an integration's `config` holds no mapping: Ocean fills only such a config with its default,
 * since any other is the mapping users keep in Port. Pure.
 */
export function isEmptyIntegrationConfig(config: unknown): boolean {
  return config === undefined || config === null || (typeof config === "object" && !Array.isArray(config) && Object.keys(config).length === 0);
}

/**
 * Reads the integration `identifier` (`GET /v1/integration/{id}` → `integration.config`, as Ocean does at
 * every resync). Throws HttpError naming the request when Port answers anything but 200 or 404, or
 * cannot be reached.
 */
export async function readIntegration(client: PortClient, identifier: string): Promise<IntegrationState> {
  const found = await client.getIntegration(identifier);
  if (found.status === 404) return { state: "absent" };
  if (found.status !== 200) {
    throw new HttpError({ stage: "load", method: "GET", endpoint: `/v1/integration/${identifier}`, status: found.status, detail: describePortError(found.body) });
  }
  const config = readRecord(readRecord(found.body)["integration"])["config"];
  if (isEmptyIntegrationConfig(config)) return { state: "empty" };
  return { state: "configured", config: readRecord(config) };
}

/** How writing the mapping to the integration went; `warning` is set when Port refused. */
export interface IntegrationOutcome {
  readonly action: "created" | "config-set" | "unchanged" | "failed";
  readonly warning?: string;
  /** Port's status when it refused. */
  readonly status?: number;
}

/**
 * Writes `mapping` to the integration whose state was read: creates the integration (identifier, type,
 * mapping as config) when it is absent, else replaces its config. A refusal is returned as a warning;
 * an unreachable Port throws HttpError.
 */
export async function writeIntegrationMapping(
  client: PortClient,
  integration: { readonly identifier: string; readonly type: string },
  state: IntegrationState,
  mapping: PortAppConfig,
): Promise<IntegrationOutcome> {
  const config = buildIntegrationConfig(mapping);
  if (state.state === "absent") {
    const created = await client.createIntegration({ installationId: integration.identifier, installationAppType: integration.type, config });
    if (created.status === 200 || created.status === 201) return { action: "created" };
    return { action: "failed", status: created.status, warning: `could not register integration "${integration.identifier}": ${created.status} ${describePortError(created.body)}` };
  }
  const patched = await client.patchIntegrationConfig(integration.identifier, config);
  if (patched.status === 200) return { action: "config-set" };
  return { action: "failed", status: patched.status, warning: `could not set integration "${integration.identifier}" config: ${patched.status} ${describePortError(patched.body)}` };
}

/**
 * Registers the integration as Ocean does: creates it with the mapping as config when Port answers
 * 404, sets its config when it is empty, and otherwise leaves it alone: a config Port holds is the
 * mapping users edit in Port's UI, and runs read it from there. A refusal is returned as a warning:
 * entities can be loaded without it.
 */
export async function registerIntegration(
  client: PortClient,
  integration: { readonly identifier: string; readonly type: string },
  mapping: PortAppConfig,
): Promise<IntegrationOutcome> {
  let state: IntegrationState;
  try {
    state = await readIntegration(client, integration.identifier);
  } catch (error) {
    if (!(error instanceof HttpError) || error.status === undefined) throw error;
    return { action: "failed", warning: `could not read integration "${integration.identifier}": ${error.status} ${error.detail ?? ""}`.trimEnd() };
  }
  if (state.state === "configured") return { action: "unchanged" };
  return writeIntegrationMapping(client, integration, state, mapping);
}

function buildResourceConfig(resource: ResourceMapping): Record<string, unknown> {
  const { mappings } = resource;
  return {
    kind: resource.kind,
    selector: renderSelector(resource),
    port: {
      ...(resource.itemsToParse === undefined ? {} : { itemsToParse: resource.itemsToParse, itemsToParseName: resource.itemsToParseName }),
      entity: {
        mappings: {
          identifier: mappings.identifier,
          ...defined("title", mappings.title),
          blueprint: mappings.blueprint,
          ...defined("icon", mappings.icon),
          ...defined("team", mappings.team),
          properties: mappings.properties,
          relations: mappings.relations,
        },
      },
    },
  };
}

function defined(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

function refuse(identifier: string, action: "create" | "patch", reply: { status: number; body: unknown }): never {
  throw new ConfigError([`blueprints: Port refused to ${action} blueprint "${identifier}" (${reply.status} ${describePortError(reply.body)})`]);
}

function readRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The identifiers of the blueprints a `GET /v1/blueprints` answer lists. */
export function readIdentifiers(body: unknown): string[] {
  const list = readRecord(body)["blueprints"];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const identifier = readRecord(item)["identifier"];
    return typeof identifier === "string" ? [identifier] : [];
  });
}

/** Raw examples Port keeps per kind for its mapping playground (Ocean's SEND_RAW_DATA_EXAMPLES_AMOUNT). */
export const RAW_EXAMPLES_PER_KIND = 5;

/**
 * Sends up to five raw records of each kind to Port's mapping playground. Best effort, as in
 * Ocean: a refusal or an unreachable Port is returned as one warning per kind, never thrown.
 */
export async function sendRawExamples(
  client: PortClient,
  integration: string,
  kinds: readonly { readonly kind: string; readonly examples: readonly unknown[] }[],
): Promise<string[]> {
  const warnings: string[] = [];
  for (const { kind, examples } of kinds) {
    if (examples.length === 0) continue;
    try {
      const reply = await client.postKindExamples(integration, kind, examples.slice(0, RAW_EXAMPLES_PER_KIND));
      if (reply.status !== 200 && reply.status !== 201) warnings.push(`raw examples of ${kind} not sent: ${reply.status} ${describePortError(reply.body)}`);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      warnings.push(`raw examples of ${kind} not sent: ${error.message}`);
    }
  }
  return warnings;
}
