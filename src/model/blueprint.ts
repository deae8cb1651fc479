/** A property of a Port blueprint's schema (the subset the product validates against). */
export interface BlueprintProperty {
  readonly type: "string" | "number" | "boolean" | "object" | "array";
  readonly title?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly items?: { readonly type?: string; readonly format?: string };
  readonly [extra: string]: unknown;
}

export interface BlueprintRelation {
  readonly title?: string;
  readonly target: string;
  readonly required: boolean;
  readonly many: boolean;
}

/** A Port blueprint as `resources/blueprints.json` holds it and Port's API returns it. */
export interface Blueprint {
  readonly identifier: string;
  readonly title: string;
  readonly icon?: string;
  readonly description?: string;
  readonly schema: {
    readonly properties: Readonly<Record<string, BlueprintProperty>>;
    readonly required: readonly string[];
  };
  readonly relations: Readonly<Record<string, BlueprintRelation>>;
  readonly mirrorProperties?: Readonly<Record<string, unknown>>;
  readonly calculationProperties?: Readonly<Record<string, unknown>>;
  readonly aggregationProperties?: Readonly<Record<string, unknown>>;
}
