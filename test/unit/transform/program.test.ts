import { describe, expect, it } from "vitest";
import { buildMappingProgram, classifyExpression, findItemsDeletionPath, listEntityFields } from "../../../src/transform/program";
import { makeResource } from "../../helpers/transform-fixtures";

describe("listEntityFields", () => {
  it("lists identifier and blueprint first, then the optional keys that are mapped, properties and relations", () => {
    const resource = makeResource({ mappings: { title: ".name", team: ".team", properties: { b: ".b", a: ".a" }, relations: { r: ".r" } } });
    expect(listEntityFields(resource).map((field) => field.path)).toEqual([
      "identifier",
      "blueprint",
      "title",
      "team",
      "properties.b",
      "properties.a",
      "relations.r",
    ]);
  });

  it("leaves out title, icon and team when the mapping does not name them", () => {
    expect(listEntityFields(makeResource()).map((field) => field.path)).toEqual(["identifier", "blueprint"]);
  });
});

describe("classifyExpression", () => {
  it.each([
    { expression: '"incidentioUser"', expected: { kind: "constant", value: "incidentioUser" } },
    { expression: ' "a\\"b" ', expected: { kind: "constant", value: 'a"b' } },
    { expression: "42", expected: { kind: "constant", value: 42 } },
    { expression: "-1.5e3", expected: { kind: "constant", value: -1500 } },
    { expression: "true", expected: { kind: "constant", value: true } },
    { expression: "null", expected: { kind: "constant", value: null } },
    { expression: ".id", expected: { kind: "key", key: "id" } },
    { expression: ".severity.name", expected: { kind: "path" } },
    { expression: '"\\(.a)"', expected: { kind: "general" } },
    { expression: ".a[0]", expected: { kind: "general" } },
    { expression: ".a?", expected: { kind: "general" } },
    { expression: "01", expected: { kind: "general" } },
    { expression: '"a" + "b"', expected: { kind: "general" } },
  ])("classifies $expression", ({ expression, expected }) => {
    expect(classifyExpression(expression)).toEqual(expected);
  });
});

describe("findItemsDeletionPath", () => {
  it.each([
    { expression: ".members", expected: ".members" },
    { expression: ".a.b", expected: ".a.b" },
    { expression: ".a[0].b", expected: ".a[0].b" },
    { expression: '.["weird key"]', expected: '.["weird key"]' },
    { expression: ".members // []", expected: ".members" },
    { expression: "(.members | map(select(.active)))", expected: ".members" },
    { expression: ". as $root | .items", expected: ".items" },
    { expression: "$__loc__ | .x", expected: ".x" },
    { expression: ".", expected: undefined },
    { expression: "[.a, .b]", expected: undefined },
  ])("finds $expected in $expression", ({ expression, expected }) => {
    expect(findItemsDeletionPath(expression)).toBe(expected);
  });
});

describe("buildMappingProgram", () => {
  it("guards each expression on its own and ends a trailing comment before the closing parentheses", () => {
    const program = buildMappingProgram(makeResource({ mappings: { title: ".name # the display name" } }));
    expect(program.text).toContain("__etl_eval((.name # the display name\n))");
    expect(program.text).toContain('def input: error("No more inputs");');
  });

  it("rewrites single-quoted literals before embedding them, but reports the expression as written", () => {
    const program = buildMappingProgram(makeResource({ mappings: { properties: { note: ".a // 'none'" } } }));
    expect(program.text).toContain('__etl_eval((.a // "none"\n))');
    expect(program.fields[2]).toMatchObject({ path: "properties.note", expression: ".a // 'none'" });
  });

  it("evaluates literals here, plain keys unguarded on objects, and plain paths without first()", () => {
    const program = buildMappingProgram(makeResource({ mappings: { blueprint: "'thing'", properties: { a: ".a", b: ".b.c", c: ".d[0]" } } }));
    expect(program.text).not.toContain('"thing"');
    expect(program.text).toContain('elif type == "object" then [true, .id, .a, (try [.b.c] catch');
    expect(program.text).toContain("__etl_eval((.d[0]\n))");
  });

  it("merges each item under itemsToParseName after deleting the parsed array from the parent", () => {
    const program = buildMappingProgram(makeResource({ itemsToParse: ".members", itemsToParseName: "member" }));
    expect(program.text).toContain("del(.members)");
    expect(program.text).toContain('{"member": .}');
    expect(program.itemsToParse).toEqual({ path: "itemsToParse", expression: ".members" });
  });
});
