import { randomUUID } from "node:crypto";
import { isPortFailure } from "./failure";
import { checkRelationTargets, patchBlueprint, readBlueprint } from "./validate-blueprint";
import { checkEntityAgainstBlueprint, checkRequired, listRelationTargets, readEntityInput, type EntityInput, type RelationTarget } from "./validate-entity";
import type { PortBlueprint, PortEntity, PortFailure, PortRelationValue, WriteLogEntry } from "./types";

export interface UpsertOptions {
  /** Without it, an entity that already exists is refused with 409 `identifier_taken`. */
  readonly upsert: boolean;
  /** Merge properties and relations into the existing entity instead of replacing it. */
  readonly merge: boolean;
  readonly createMissingRelatedEntities: boolean;
  /** Validate only: nothing is written. */
  readonly validationOnly: boolean;
}

export interface UpsertResult {
  readonly created: boolean;
  readonly entity: PortEntity;
}

type EntityKey = string;

// NUL never occurs in a blueprint or entity identifier (both patterns exclude it).
function toEntityKey(blueprint: string, identifier: string): EntityKey {
  return `${blueprint}\u0000${identifier}`;
}

function rejectNotFound(message: string): PortFailure {
  return { status: 404, error: "not_found", message };
}

function buildEntity(blueprint: string, identifier: string, input: EntityInput, base: PortEntity | undefined): PortEntity {
  const pick = <K extends "title" | "icon" | "team">(field: K): PortEntity[K] | undefined =>
    field in input ? ((input[field] ?? undefined) as PortEntity[K] | undefined) : base?.[field];
  const title = pick("title");
  const icon = pick("icon");
  const team = pick("team");
  return {
    identifier,
    blueprint,
    ...(title !== undefined ? { title } : {}),
    ...(icon !== undefined ? { icon } : {}),
    ...(team !== undefined ? { team } : {}),
    properties: { ...base?.properties, ...input.properties },
    relations: { ...base?.relations, ...(input.relations as Record<string, PortRelationValue>) },
  };
}

/**
 * Port's catalog in memory: blueprints, entities per blueprint, and a reverse index of relations
 * (who points at whom) so deletes can find dependents without scanning 100k entities. Every
 * entity written or deleted is appended to the write log it was given.
 */
export class PortCatalog {
  private readonly blueprints = new Map<string, PortBlueprint>();
  private readonly entities = new Map<string, Map<string, PortEntity>>();
  private readonly dependents = new Map<EntityKey, Set<EntityKey>>();
  private readonly sortedIdentifiers = new Map<string, string[]>();
  private readonly writes: WriteLogEntry[];
  private readonly actor: string;

  constructor(writes: WriteLogEntry[], actor: string) {
    this.writes = writes;
    this.actor = actor;
  }

  /** Installs blueprints as if they had been created, in any order; throws when one is invalid or relates to a blueprint that is neither seeded nor present. */
  seedBlueprints(blueprints: readonly unknown[]): void {
    const read = blueprints.map((raw) => readBlueprint(raw));
    const seeded = new Set(read.flatMap((blueprint) => (isPortFailure(blueprint) ? [] : [blueprint.identifier])));
    for (const blueprint of read) {
      const failure = isPortFailure(blueprint)
        ? blueprint
        : checkRelationTargets(blueprint.identifier, blueprint.relations ?? {}, (target) => seeded.has(target) || this.blueprints.has(target));
      if (failure) throw new Error(`seed blueprint rejected: ${failure.message}`);
    }
    for (const blueprint of read) if (!isPortFailure(blueprint)) this.storeBlueprint(blueprint, undefined);
  }

  blueprint(identifier: string): PortBlueprint | undefined {
    return this.blueprints.get(identifier);
  }

  listBlueprints(): PortBlueprint[] {
    return [...this.blueprints.values()];
  }

  /** Creates a blueprint: 409 `identifier_taken` when it exists, 404 naming a relation target that does not. */
  createBlueprint(raw: unknown): PortBlueprint | PortFailure {
    const blueprint = readBlueprint(raw);
    if (isPortFailure(blueprint)) return blueprint;
    if (this.blueprints.has(blueprint.identifier)) {
      return { status: 409, error: "identifier_taken", message: `A blueprint with identifier "${blueprint.identifier}" already exists` };
    }
    const missing = checkRelationTargets(blueprint.identifier, blueprint.relations ?? {}, (target) => this.blueprints.has(target));
    return missing ?? this.storeBlueprint(blueprint, undefined);
  }

  /** Merges a patch into a blueprint (new properties and relations are added); 404 when it or a new relation target is absent. */
  patchBlueprint(identifier: string, patch: unknown): PortBlueprint | PortFailure {
    const current = this.blueprints.get(identifier);
    if (!current) return rejectNotFound(`Blueprint with identifier "${identifier}" was not found`);
    const next = patchBlueprint(current, patch);
    if (isPortFailure(next)) return next;
    const missing = checkRelationTargets(identifier, next.relations ?? {}, (target) => this.blueprints.has(target));
    return missing ?? this.storeBlueprint(next, current);
  }

  /** Deletes an empty blueprint; 404 when absent, 422 while it still has entities. */
  deleteBlueprint(identifier: string): PortFailure | undefined {
    if (!this.blueprints.has(identifier)) return rejectNotFound(`Blueprint with identifier "${identifier}" was not found`);
    const count = this.entities.get(identifier)?.size ?? 0;
    if (count > 0) return { status: 422, error: "has_entities", message: `Blueprint "${identifier}" still has ${count} entities` };
    this.blueprints.delete(identifier);
    this.entities.delete(identifier);
    this.sortedIdentifiers.delete(identifier);
    return undefined;
  }

  entity(blueprint: string, identifier: string): PortEntity | undefined {
    return this.entities.get(blueprint)?.get(identifier);
  }

  entitiesOf(blueprint: string): PortEntity[] {
    return [...(this.entities.get(blueprint)?.values() ?? [])];
  }

  /** The blueprint's entity identifiers in code-unit order, cached until an entity is added or removed. */
  identifiersOf(blueprint: string): readonly string[] {
    let sorted = this.sortedIdentifiers.get(blueprint);
    if (!sorted) {
      sorted = [...(this.entities.get(blueprint)?.keys() ?? [])].sort();
      this.sortedIdentifiers.set(blueprint, sorted);
    }
    return sorted;
  }

  /**
   * Validates one entity as Port does and, unless `validationOnly`, writes it: 404 for an unknown
   * blueprint or a missing related entity (unless `createMissingRelatedEntities`, which creates an
   * identifier-only placeholder), 409 for an existing one without `upsert`, 422 for schema problems.
   */
  upsertEntity(blueprintIdentifier: string, raw: unknown, options: UpsertOptions): UpsertResult | PortFailure {
    const blueprint = this.blueprints.get(blueprintIdentifier);
    if (!blueprint) return rejectNotFound(`Blueprint with identifier "${blueprintIdentifier}" was not found`);
    const input = readEntityInput(raw);
    if (isPortFailure(input)) return input;
    // Port generates an identifier when none is sent.
    const identifier = input.identifier ?? `e_${randomUUID()}`;
    const existing = this.entity(blueprintIdentifier, identifier);
    if (existing && !options.upsert) {
      return { status: 409, error: "identifier_taken", message: `Entity "${identifier}" of blueprint "${blueprintIdentifier}" already exists` };
    }
    const invalid = checkEntityAgainstBlueprint(blueprint, input);
    if (invalid) return invalid;
    const entity = buildEntity(blueprintIdentifier, identifier, input, options.merge ? existing : undefined);
    const incomplete = checkRequired(blueprint, entity);
    if (incomplete) return incomplete;
    const missing = this.findMissingTargets(entity, listRelationTargets(blueprint, entity.relations));
    const unknownBlueprint = missing.find((target) => !this.blueprints.has(target.blueprint));
    if (unknownBlueprint) return rejectNotFound(`Relation "${unknownBlueprint.relation}" targets blueprint "${unknownBlueprint.blueprint}", which was not found`);
    const [firstMissing] = missing;
    if (firstMissing && !options.createMissingRelatedEntities) {
      return rejectNotFound(
        `Related entity "${firstMissing.identifier}" of blueprint "${firstMissing.blueprint}" (relation "${firstMissing.relation}") was not found`,
      );
    }
    if (!options.validationOnly) {
      for (const target of missing) {
        this.storeEntity({ identifier: target.identifier, blueprint: target.blueprint, properties: {}, relations: {} }, "placeholder");
      }
      this.storeEntity(entity, "upsert");
    }
    return { created: existing === undefined, entity };
  }

  /**
   * Deletes entities of one blueprint and reports which of the requested ones existed. Entities
   * whose relations point at a deleted one are its dependents: with `deleteDependents` they are
   * deleted too (transitively), otherwise the whole call fails with 422 and nothing is deleted.
   */
  deleteEntities(blueprint: string, identifiers: readonly string[], deleteDependents: boolean): string[] | PortFailure {
    if (!this.blueprints.has(blueprint)) return rejectNotFound(`Blueprint with identifier "${blueprint}" was not found`);
    const requested = [...new Set(identifiers)].filter((identifier) => this.entity(blueprint, identifier) !== undefined);
    const doomed = new Set(requested.map((identifier) => toEntityKey(blueprint, identifier)));
    const blockers: EntityKey[] = [];
    // Each key enters the queue once, so the walk is bounded by the number of entities.
    const queue = [...doomed];
    for (let index = 0; index < queue.length; index += 1) {
      for (const dependent of this.dependents.get(queue[index] as EntityKey) ?? []) {
        if (doomed.has(dependent)) continue;
        if (!deleteDependents) {
          blockers.push(dependent);
          continue;
        }
        doomed.add(dependent);
        queue.push(dependent);
      }
    }
    if (blockers.length > 0) {
      const named = blockers.slice(0, 5).map((key) => key.replace("\u0000", ":"));
      return {
        status: 422,
        error: "has_dependents",
        message: `Cannot delete without delete_dependents: ${blockers.length} entities relate to the deleted ones (${named.join(", ")})`,
      };
    }
    for (const key of doomed) {
      const [ownerBlueprint, identifier] = key.split("\u0000") as [string, string];
      this.removeEntity(ownerBlueprint, identifier);
    }
    return requested;
  }

  private storeBlueprint(blueprint: PortBlueprint, previous: PortBlueprint | undefined): PortBlueprint {
    const now = new Date().toISOString();
    const stored: PortBlueprint = {
      ...blueprint,
      createdAt: previous?.["createdAt"] ?? now,
      createdBy: previous?.["createdBy"] ?? this.actor,
      updatedAt: now,
      updatedBy: this.actor,
    };
    this.blueprints.set(stored.identifier, stored);
    return stored;
  }

  private findMissingTargets(entity: PortEntity, targets: readonly RelationTarget[]): RelationTarget[] {
    const seen = new Set<EntityKey>();
    return targets.filter((target) => {
      const key = toEntityKey(target.blueprint, target.identifier);
      const isSelf = target.blueprint === entity.blueprint && target.identifier === entity.identifier;
      if (isSelf || seen.has(key) || this.entity(target.blueprint, target.identifier) !== undefined) return false;
      seen.add(key);
      return true;
    });
  }

  private storeEntity(entity: PortEntity, op: "upsert" | "placeholder"): void {
    let byIdentifier = this.entities.get(entity.blueprint);
    if (!byIdentifier) {
      byIdentifier = new Map();
      this.entities.set(entity.blueprint, byIdentifier);
    }
    const previous = byIdentifier.get(entity.identifier);
    if (previous) this.unlinkRelations(previous);
    else this.sortedIdentifiers.delete(entity.blueprint);
    byIdentifier.set(entity.identifier, entity);
    this.linkRelations(entity);
    this.writes.push({ op, blueprint: entity.blueprint, identifier: entity.identifier, at: Date.now() });
  }

  private removeEntity(blueprint: string, identifier: string): void {
    const entity = this.entity(blueprint, identifier);
    if (!entity) return;
    this.unlinkRelations(entity);
    this.entities.get(blueprint)?.delete(identifier);
    this.dependents.delete(toEntityKey(blueprint, identifier));
    this.sortedIdentifiers.delete(blueprint);
    this.writes.push({ op: "delete", blueprint, identifier, at: Date.now() });
  }

  private targetsOf(entity: PortEntity): EntityKey[] {
    const blueprint = this.blueprints.get(entity.blueprint);
    if (!blueprint) return [];
    return listRelationTargets(blueprint, entity.relations).map((target) => toEntityKey(target.blueprint, target.identifier));
  }

  private linkRelations(entity: PortEntity): void {
    const source = toEntityKey(entity.blueprint, entity.identifier);
    for (const target of this.targetsOf(entity)) {
      if (target === source) continue;
      let sources = this.dependents.get(target);
      if (!sources) {
        sources = new Set();
        this.dependents.set(target, sources);
      }
      sources.add(source);
    }
  }

  private unlinkRelations(entity: PortEntity): void {
    const source = toEntityKey(entity.blueprint, entity.identifier);
    for (const target of this.targetsOf(entity)) this.dependents.get(target)?.delete(source);
  }
}
