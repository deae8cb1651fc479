/** Relation name → target blueprint, per blueprint. */
export type RelationTargets = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The key under which the loader tracks deleted entities (NUL never occurs in identifiers). */
export function formatEntityKey(blueprint: string, identifier: string): string {
  return `${blueprint}\u0000${identifier}`;
}

/**
 * The identifiers of `rows` (entities of `blueprint`) whose relations point at an entity in `gone`,
 * directly or through another row of the same blueprint that does: the entities Port deletes along
 * with `gone` when asked to delete dependents. Pure.
 */
export function findDependents(
  blueprint: string,
  rows: readonly { readonly identifier: string; readonly entity: unknown }[],
  targets: ReadonlyMap<string, string>,
  gone: ReadonlySet<string>,
): string[] {
  const doomed = new Set<string>();
  const isGone = (key: string): boolean => gone.has(key) || doomed.has(key);
  const links = rows
    .map((row) => ({ key: formatEntityKey(blueprint, row.identifier), keys: listRelationKeys(row.entity, targets) }))
    .filter((link) => !gone.has(link.key));
  // Each pass dooms at least one more row or ends, so at most one pass per row (plus the last).
  for (let pass = 0; pass <= links.length; pass += 1) {
    const before = doomed.size;
    for (const link of links) {
      if (!doomed.has(link.key) && link.keys.some(isGone)) doomed.add(link.key);
    }
    if (doomed.size === before) break;
  }
  return rows.map((row) => row.identifier).filter((identifier) => doomed.has(formatEntityKey(blueprint, identifier)));
}

function listRelationKeys(entity: unknown, targets: ReadonlyMap<string, string>): string[] {
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
