import type { JsonObject } from "../json";
import type { IndexRange } from "../paging";
import type { GenerationContext, RecordGenerator } from "./context";
import { CATALOG_TYPE_NAMES, LABELS, SERVICE_SUFFIXES, SERVICE_WORDS, TIERS } from "./names";
import { hasQuirk } from "./quirks";
import { userRef } from "./users";

const ICONS = ["server", "box", "database", "globe", "store", "tag", "star", "components"] as const;
const COLORS = ["yellow", "green", "blue", "violet", "pink", "cyan", "orange"] as const;
const CATEGORIES = ["service", "product-feature", "customer", "issue-tracker", "on-call"] as const;
const ATTRIBUTES_PER_TYPE = 8;
const TIER = 0;
const TAGS = 1;
const OWNER = 2;
const NOTES = 3;
const ALERTS = 4;

/** The generated entries of the first catalog type, which alerts and incidents point at; empty when there is none. */
export function firstEntryRange(ctx: GenerationContext): IndexRange {
  return ctx.counts.catalog_types > 0 ? ctx.entryRange(0) : [0, 0];
}

function typeName(index: number): string {
  const round = Math.floor(index / CATALOG_TYPE_NAMES.length);
  return `${CATALOG_TYPE_NAMES[index % CATALOG_TYPE_NAMES.length] ?? "Thing"}${round > 0 ? ` ${round + 1}` : ""}`;
}

// Importer-managed types are synced from a repository and cannot be edited in the dashboard.
function isImported(index: number): boolean {
  return index % 5 === 3;
}

function attributeId(ctx: GenerationContext, type: number, slot: number): string {
  return ctx.id("catalog_attributes", type * ATTRIBUTES_PER_TYPE + slot);
}

/** Owner attributes point at the previous type's entries, or at users for the first type (or when that type is empty). */
function ownerTarget(ctx: GenerationContext, type: number): number | undefined {
  if (type === 0) return undefined;
  const [start, end] = ctx.entryRange(type - 1);
  return end > start ? type - 1 : undefined;
}

function schemaAttributes(ctx: GenerationContext, type: number): JsonObject[] {
  const target = ownerTarget(ctx, type);
  const attributes: JsonObject[] = [
    { id: attributeId(ctx, type, TIER), name: "Tier", type: "String", array: false, mode: "api" },
    { id: attributeId(ctx, type, TAGS), name: "Tags", type: "String", array: true, mode: "api" },
    { id: attributeId(ctx, type, OWNER), name: "Owner", type: target === undefined ? "User" : `CatalogEntry["${ctx.id("catalog_types", target)}"]`, array: false, mode: isImported(type) ? "external" : "api" },
  ];
  if (type % 2 === 0) attributes.push({ id: attributeId(ctx, type, NOTES), name: "Notes", type: "Text", array: false, mode: "dashboard" });
  if (type % 3 === 0) {
    attributes.push({ id: attributeId(ctx, type, ALERTS), name: "Alert sources", type: 'CatalogEntry["AlertSource"]', array: true, mode: "backlink", backlink_attribute: attributeId(ctx, type, TIER) });
  }
  return attributes;
}

/** `CatalogTypeV3` as `/v3/catalog_types` lists it. */
export const generateCatalogType: RecordGenerator = (ctx, index) => {
  const id = ctx.id("catalog_types", index);
  const name = typeName(index);
  const [start, end] = index < ctx.counts.catalog_types ? ctx.entryRange(index) : [0, 0];
  const updated = ctx.updated("catalog_types", index);
  const type: JsonObject = {
    id,
    name,
    description: `${name} records of the organisation`,
    type_name: `Custom["${name.replace(/\s+/g, "")}"]`,
    engine_resource_type: `CatalogEntry["${id}"]`,
    ranked: index % 4 === 2,
    schema: { version: 1 + (index % 4), attributes: schemaAttributes(ctx, index) },
    icon: ICONS[index % ICONS.length] ?? "box",
    categories: [CATEGORIES[index % CATEGORIES.length] ?? "service"],
    color: COLORS[index % COLORS.length] ?? "blue",
    is_editable: !isImported(index),
    annotations: isImported(index) ? { "incident.io/catalog-importer/id": "sandbox-catalog" } : {},
    use_name_as_identifier: index % 3 !== 2,
    estimated_count: end - start,
    created_at: ctx.created("catalog_types", index).text,
    updated_at: updated.text,
  };
  if (isImported(index)) {
    type["source_repo_url"] = "https://github.com/example-org/catalog";
    type["last_synced_at"] = updated.text;
  }
  if (hasQuirk("catalog_types", index)) {
    type["icon"] = "rocket";
    type["sync_status"] = "healthy";
  }
  return type;
};

/** Where entry `index` sits within its own type, which names and ranks it. */
function positionInType(ctx: GenerationContext, index: number): number {
  const [start, end] = ctx.entryRange(ctx.catalogTypeOfEntry(index));
  return index >= start && index < end ? index - start : index;
}

/** The name of catalog entry `index`, mutations included. */
export function catalogEntryName(ctx: GenerationContext, index: number): string {
  const patched = ctx.patch("catalog_entries", index)?.["name"];
  if (typeof patched === "string") return patched;
  const position = positionInType(ctx, index);
  const word = SERVICE_WORDS[position % SERVICE_WORDS.length] ?? "service";
  const suffix = SERVICE_SUFFIXES[Math.floor(position / SERVICE_WORDS.length) % SERVICE_SUFFIXES.length] ?? "api";
  const round = Math.floor(position / (SERVICE_WORDS.length * SERVICE_SUFFIXES.length));
  return `${word}-${suffix}${round > 0 ? `-${round + 1}` : ""}`;
}

function ownerValue(ctx: GenerationContext, type: number, position: number): JsonObject {
  const target = ownerTarget(ctx, type);
  if (target === undefined) {
    const user = userRef(ctx, position % ctx.counts.users);
    return { label: String(user["name"]), literal: String(user["id"]) };
  }
  const [start, end] = ctx.entryRange(target);
  const entry = start + (position % (end - start));
  return { label: catalogEntryName(ctx, entry), literal: ctx.id("catalog_entries", entry) };
}

/** `CatalogEntryV3` as `/v3/catalog_entries` lists it; `attribute_values` is keyed by its type's attribute IDs. */
export const generateCatalogEntry: RecordGenerator = (ctx, index) => {
  const type = ctx.catalogTypeOfEntry(index);
  const position = positionInType(ctx, index);
  const rng = ctx.rng("catalog_entries", index);
  const name = catalogEntryName(ctx, index);
  const updated = ctx.updated("catalog_entries", index);
  const values: JsonObject = {};
  if (position % 5 !== 4) {
    const tier = rng.pick(TIERS);
    values[attributeId(ctx, type, TIER)] = { value: { label: tier, literal: tier } };
  }
  if (position % 2 === 0) {
    const tags = rng.distinct(rng.int(1, 3), LABELS.length).map((slot) => LABELS[slot] ?? "infra");
    values[attributeId(ctx, type, TAGS)] = { array_value: tags.map((tag) => ({ label: tag, literal: tag })) };
  }
  if (ctx.counts.users > 0 || ownerTarget(ctx, type) !== undefined) values[attributeId(ctx, type, OWNER)] = { value: ownerValue(ctx, type, position) };
  if (type % 2 === 0 && position % 3 === 0) values[attributeId(ctx, type, NOTES)] = { value: { label: `Runbook: https://runbooks.example.com/${name}` } };
  const entry: JsonObject = {
    id: ctx.id("catalog_entries", index),
    catalog_type_id: ctx.id("catalog_types", type),
    name,
    aliases: position % 3 === 1 ? [name.split("-")[0] ?? name] : [],
    rank: type % 4 === 2 ? position : 0,
    attribute_values: values,
    created_at: ctx.created("catalog_entries", index).text,
    updated_at: updated.text,
  };
  if (position % 6 !== 5) entry["external_id"] = name;
  if (position % 40 === 21) entry["archived_at"] = updated.text;
  if (hasQuirk("catalog_entries", index)) entry["managed_by"] = "catalog-importer";
  return entry;
};
