import { describe, expect, it } from "vitest";
import type { Blueprint } from "../../../src/model/blueprint";
import type { ResourceMapping } from "../../../src/model/mapping";
import { hashKindMapping } from "../../../src/transform/mapping-hash";
import { buildMappingProgram } from "../../../src/transform/program";
import { makeBlueprint, makeResource } from "../../helpers/transform-fixtures";

const THING = makeBlueprint("thing", { size: { type: "number" } });
const USER = makeBlueprint("user", { email: { type: "string" } });
const BASE = makeResource({ mappings: { properties: { size: ".size" } } });

function hash(resources: readonly ResourceMapping[], blueprints: readonly Blueprint[] = [THING, USER], jqVersion = "1.7.1"): string {
  return hashKindMapping(resources.map(buildMappingProgram), blueprints, jqVersion);
}

describe("hashKindMapping", () => {
  it.each<{ name: string; resources?: readonly ResourceMapping[]; blueprints?: readonly Blueprint[]; jqVersion?: string; changes: boolean }>([
    { name: "the same mapping, blueprints and jq", changes: false },
    { name: "a page size (read by extract only)", resources: [{ ...BASE, selector: { ...BASE.selector, pagination: { ...BASE.selector.pagination, pageSize: 7 } } }], changes: false },
    { name: "another blueprint than the kind's", blueprints: [THING, makeBlueprint("user", { email: { type: "number" } })], changes: false },
    { name: "a blueprint's order in the file", blueprints: [USER, THING], changes: false },
    { name: "a property expression", resources: [makeResource({ mappings: { properties: { size: ".size | tonumber" } } })], changes: true },
    { name: "a selector", resources: [makeResource({ query: ".keep", mappings: { properties: { size: ".size" } } })], changes: true },
    { name: "a second resource of the kind", resources: [BASE, makeResource({ index: 1, mappings: { blueprint: '"user"' } })], changes: true },
    { name: "the kind's blueprint", blueprints: [makeBlueprint("thing", { size: { type: "string" } }), USER], changes: true },
    { name: "the kind's blueprint removed", blueprints: [USER], changes: true },
    { name: "jq's version", jqVersion: "1.6", changes: true },
  ])("$name: changes the hash $changes", ({ resources = [BASE], blueprints, jqVersion, changes }) => {
    expect(hash(resources, blueprints, jqVersion) !== hash([BASE])).toBe(changes);
  });

  it("covers every blueprint when the blueprint expression reads the record", () => {
    const computed = [makeResource({ mappings: { blueprint: ".type" } })];
    expect(hash(computed, [THING, makeBlueprint("user", { email: { type: "number" } })])).not.toBe(hash(computed));
  });
});
