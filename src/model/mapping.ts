import type { PaginationSettings } from "./pagination";

/** One `selector.path_parameters` entry: the parent endpoint whose records supply `{name}`. */
export interface PathParameter {
  readonly name: string;
  readonly endpoint: string;
  readonly queryParams: Readonly<Record<string, string>>;
  /** jq to the array of parent records in each page of `endpoint`. */
  readonly dataPath: string | undefined;
  /** jq evaluated on each parent record; its first output is the parameter value. */
  readonly field: string;
  /** jq evaluated on each parent record; the parent is used only when it yields exactly `true`. */
  readonly filter: string | undefined;
  readonly pagination: PaginationSettings;
}

/** The Port entity fields of a resource, each a jq expression (already rewritten from Ocean's single quotes). */
export interface EntityMappings {
  readonly identifier: string;
  readonly title: string | undefined;
  readonly blueprint: string;
  readonly icon: string | undefined;
  readonly team: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  readonly relations: Readonly<Record<string, string>>;
}

/** One `resources[]` entry of a `port-app-config.yml`, validated and with defaults applied. */
export interface ResourceMapping {
  /** Position in `resources[]`, for error messages (`resources[3]`). */
  readonly index: number;
  /** The endpoint path as written, e.g. `/v3/catalog_entries?catalog_type_id={catalog_type_id}`. Raw records are keyed by it. */
  readonly kind: string;
  /** Short name for the CLI and summaries: the kind's last path segment (`catalog_entries`). */
  readonly name: string;
  readonly selector: {
    /** jq that must yield exactly `true` for a record to be mapped. */
    readonly query: string;
    /** jq from a page to its array of records; `undefined` means the page itself. */
    readonly dataPath: string | undefined;
    readonly queryParams: Readonly<Record<string, string>>;
    readonly pathParameters: readonly PathParameter[];
    readonly pagination: PaginationSettings;
  };
  /** jq to an array inside each record; each element becomes its own entity (Ocean's `itemsToParse`). */
  readonly itemsToParse: string | undefined;
  readonly itemsToParseName: string;
  readonly mappings: EntityMappings;
}

/** A whole `port-app-config.yml`. */
export interface PortAppConfig {
  readonly deleteDependentEntities: boolean;
  readonly createMissingRelatedEntities: boolean;
  /** Fraction (0..1) of a blueprint's entities that one run may delete; applied per blueprint. */
  readonly entityDeletionThreshold: number;
  readonly enableMergeEntity: boolean;
  readonly resources: readonly ResourceMapping[];
}

/** The blueprint a resource's mapping names, without the jq string's quotes (the expression as written when computed per record). */
export function blueprintName(resource: ResourceMapping): string {
  return resource.mappings.blueprint.replace(/^["']|["']$/g, "");
}
