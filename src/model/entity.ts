/** A relation value as Port accepts it: one identifier, several, or none. */
export type RelationValue = string | readonly string[] | null;

/** An entity as sent to Port's upsert routes. Absent optional keys are not sent; `null` values are. */
export interface PortEntity {
  readonly identifier: string;
  readonly blueprint: string;
  readonly title?: string | null;
  readonly icon?: string | null;
  readonly team?: string | readonly string[] | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, RelationValue>>;
}

export type EntityKey = `${string}:${string}`;

/** The key under which an entity is staged, snapshotted and diffed. */
export function entityKey(blueprint: string, identifier: string): EntityKey {
  return `${blueprint}:${identifier}`;
}
