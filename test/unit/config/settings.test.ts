import { describe, expect, it } from "vitest";
import { defaultTextOf, SETTINGS, type SettingSpec } from "../../../src/config/settings";

const specs = Object.entries(SETTINGS) as [string, SettingSpec][];

describe("SETTINGS", () => {
  it.each(specs.filter(([, spec]) => spec.default !== undefined))("%s: its default is a value its own schema accepts unchanged", (_name, spec) => {
    expect(spec.schema.parse(spec.default)).toEqual(spec.default);
  });

  it.each([
    { name: "a plain default is shown as written", spec: SETTINGS.pageSize, expected: "100" },
    { name: "a default shown in another form uses its text", spec: SETTINGS.eventListener, expected: '{"type":"ONCE"}' },
    { name: "a default that depends on another setting is described", spec: SETTINGS.portBaseUrl, expected: "from the region" },
    { name: "no default is a dash", spec: SETTINGS.jqPath, expected: "-" },
  ])("defaultTextOf: $name", ({ spec, expected }) => {
    expect(defaultTextOf(spec)).toBe(expected);
  });
});
