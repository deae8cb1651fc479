import { describe, expect, it } from "vitest";
import { isPortFailure } from "../../../../src/sandbox/port/failure";
import type { PortBlueprint } from "../../../../src/sandbox/port/types";
import { checkRelationTargets, patchBlueprint, readBlueprint } from "../../../../src/sandbox/port/validate-blueprint";

const minimal = { identifier: "incident", title: "Incident", schema: { properties: { name: { type: "string" } } } };

describe("readBlueprint", () => {
  it.each([
    { name: "a minimal blueprint", raw: minimal, error: undefined },
    { name: "a unicode identifier", raw: { ...minimal, identifier: "incidentÉquipe" }, error: undefined },
    { name: "an identifier with '='", raw: { ...minimal, identifier: "a=b" }, error: "bad_request" },
    { name: "an identifier of 101 characters", raw: { ...minimal, identifier: "b".repeat(101) }, error: "bad_request" },
    { name: "no title", raw: { identifier: "x", schema: { properties: {} } }, error: "bad_request" },
    { name: "no schema", raw: { identifier: "x", title: "X" }, error: "bad_request" },
    { name: "an unknown property type", raw: { ...minimal, schema: { properties: { a: { type: "date" } } } }, error: "bad_request" },
    { name: "a property identifier with a dot", raw: { ...minimal, schema: { properties: { "a.b": { type: "string" } } } }, error: "bad_request" },
    { name: "a relation without target", raw: { ...minimal, relations: { team: { many: false } } }, error: "bad_request" },
    { name: "a relation with a string many", raw: { ...minimal, relations: { team: { target: "team", many: "no" } } }, error: "bad_request" },
  ])("reads $name", ({ raw, error }) => {
    const result = readBlueprint(raw);
    expect(isPortFailure(result) ? result.error : undefined).toBe(error);
  });

  it("defaults many and required to false and keeps keys it does not interpret", () => {
    const result = readBlueprint({ ...minimal, relations: { team: { target: "team", title: "Team" } }, mirrorProperties: { m: { path: "team.$title" } } });
    expect(result).toMatchObject({
      relations: { team: { target: "team", title: "Team", many: false, required: false } },
      mirrorProperties: { m: { path: "team.$title" } },
      schema: { properties: { name: { type: "string" } }, required: [] },
    });
  });
});

describe("patchBlueprint", () => {
  const current = readBlueprint({ ...minimal, relations: { team: { target: "team", many: false, required: false } } }) as PortBlueprint;

  it("adds relations and properties without dropping the existing ones", () => {
    const patched = patchBlueprint(current, { relations: { owner: { target: "user", many: false, required: false } }, schema: { properties: { url: { type: "string", format: "url" } } } });
    expect(patched).toMatchObject({
      relations: { team: { target: "team" }, owner: { target: "user" } },
      schema: { properties: { name: { type: "string" }, url: { type: "string", format: "url" } } },
    });
  });

  it.each([
    { name: "a new identifier", patch: { identifier: "other" } },
    { name: "relations that are not an object", patch: { relations: [] } },
    { name: "a property of an unknown type", patch: { schema: { properties: { a: { type: "int" } } } } },
  ])("refuses $name", ({ patch }) => {
    expect(patchBlueprint(current, patch)).toMatchObject({ status: 422, error: "bad_request" });
  });
});

describe("checkRelationTargets", () => {
  const relations = { team: { target: "team", many: false, required: false }, parent: { target: "incident", many: false, required: false } };
  it.each([
    { name: "every target exists", existing: ["team"], message: undefined },
    { name: "a target is missing", existing: [] as string[], message: 'Relation "team" of blueprint "incident" targets blueprint "team", which was not found' },
  ])("answers when $name (a self relation always resolves)", ({ existing, message }) => {
    expect(checkRelationTargets("incident", relations, (target) => existing.includes(target))?.message).toBe(message);
  });
});
