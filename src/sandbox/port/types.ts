// The sandbox stands in for an external service, so it keeps its own types rather than importing
// the product's (src/model): a shared type would let a product bug and a sandbox bug agree.

export const PORT_PROPERTY_TYPES = ["string", "number", "boolean", "object", "array"] as const;
type PortPropertyType = (typeof PORT_PROPERTY_TYPES)[number];

/** The item schema of an `array` property. */
export interface PortPropertyItems {
  readonly type?: PortPropertyType;
  readonly format?: string;
  readonly enum?: readonly unknown[];
}

/** One property of a blueprint's `schema.properties`. */
export interface PortProperty {
  readonly type: PortPropertyType;
  readonly title?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly items?: PortPropertyItems;
  readonly [extra: string]: unknown;
}

export interface PortRelation {
  readonly target: string;
  readonly many: boolean;
  readonly required: boolean;
  readonly title?: string;
  readonly description?: string;
}

/**
 * A blueprint as Port's API takes and returns it. Keys the sandbox does not interpret
 * (`mirrorProperties`, `ownership`, `createdAt`, …) are kept and echoed back.
 */
export interface PortBlueprint {
  readonly identifier: string;
  readonly title: string;
  readonly description?: string;
  readonly icon?: string;
  readonly schema: {
    readonly properties: Readonly<Record<string, PortProperty>>;
    readonly required?: readonly string[];
  };
  readonly relations?: Readonly<Record<string, PortRelation>>;
  readonly [extra: string]: unknown;
}

export type PortRelationValue = string | readonly string[] | null;

/** An entity as the sandbox holds it. `null` titles and teams are stored as absent, as Port returns them. */
export interface PortEntity {
  readonly identifier: string;
  readonly blueprint: string;
  readonly title?: string;
  readonly icon?: string;
  readonly team?: string | readonly string[];
  readonly properties: Readonly<Record<string, unknown>>;
  readonly relations: Readonly<Record<string, PortRelationValue>>;
}

/** One entity the sandbox actually wrote or deleted; `placeholder` is an entity made by `create_missing_related_entities`. */
export interface WriteLogEntry {
  readonly op: "upsert" | "delete" | "placeholder";
  readonly blueprint: string;
  readonly identifier: string;
  readonly at: number;
}

/** Why Port refused something, as `{ok: false, error, message}` with this HTTP status. */
export interface PortFailure {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

/** Makes the next upsert(s) of one entity fail the way Port would, without touching the rest of a bulk. */
export interface EntityFaultRule {
  readonly blueprint: string;
  readonly identifier: string;
  /** Default 422. */
  readonly status?: number;
  /** Default `blueprint_schema_mismatch`. */
  readonly error?: string;
  readonly message?: string;
  /** How many upserts of this entity fail (default 1). */
  readonly times?: number;
}

/**
 * Makes the next bulk answer(s) about one entity wrong, the way a client that matches answers by
 * position would misread: the entity is handled as usual, but its `entities[]` item names another
 * identifier (`another-identifier`), or it is also listed in `errors[]` (`also-in-errors`).
 */
export interface BulkAnswerFaultRule {
  readonly blueprint: string;
  readonly identifier: string;
  readonly answer: "another-identifier" | "also-in-errors";
  /** How many answers are wrong (default 1). */
  readonly times?: number;
}
