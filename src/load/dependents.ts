/** Relation name → target blueprint, per blueprint. */
export type RelationTargets = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** For each entity key, the keys of the entities whose relations name it. */
export type DependentsIndex = ReadonlyMap<string, ReadonlySet<string>>;

/** The key under which the loader tracks deleted entities (NUL never occurs in identifiers). */
export function formatEntityKey(blueprint: string, identifier: string): string {
  return `${blueprint}\u0000${identifier}`;
}

/** The blueprint and identifier of a key made by formatEntityKey. */
export function parseEntityKey(key: string): { blueprint: string; identifier: string } {
  const split = key.indexOf("\u0000");
  return { blueprint: key.slice(0, split), identifier: key.slice(split + 1) };
}

/**
 * The keys of the entities `entity` relates to through the relations `targets` defines (relation
 * name → target blueprint): one per identifier of a single or many relation. Pure.
 */
export function listRelationKeys(entity: unknown, targets: ReadonlyMap<string, string>): string[] {
  const relations = entity !== null && typeof entity === "object" ? (entity as Record<string, unknown>)["relations"] : undefined;
  if (relations === null || typeof relations !== "object") return [];
  const keys: string[] = [];
  for (const [name, value] of Object.entries(relations as Record<string, unknown>)) {
    const target = targets.get(name);
    if (target === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const identifier of values) if (typeof identifier === "string") keys.push(formatEntityKey(target, identifier));
  }
  return keys;
}

/**
 * The entities Port deletes along with `roots` when asked to delete dependents: every key of `index`
 * that relates to a root, or to an entity so deleted, transitively. Keys in `gone` were handled
 * already (with their own dependents) and are skipped. In the order found; each key once. Pure.
 */
export function collectDependents(index: DependentsIndex, roots: Iterable<string>, gone: ReadonlySet<string>): string[] {
  const queue = [...roots];
  const seen = new Set(queue);
  const found: string[] = [];
  // Each key enters the queue once, so the walk is bounded by the size of the index.
  for (let position = 0; position < queue.length; position += 1) {
    for (const dependent of index.get(queue[position] as string) ?? []) {
      if (seen.has(dependent) || gone.has(dependent)) continue;
      seen.add(dependent);
      found.push(dependent);
      queue.push(dependent);
    }
  }
  return found;
}
