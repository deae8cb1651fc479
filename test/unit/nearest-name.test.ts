import { describe, expect, it } from "vitest";
import { editDistance, nearestName } from "../../src/nearest-name";

const COMMANDS = ["run", "extract", "transform", "plan", "load", "status", "demo", "discover", "config", "check", "help"];

describe("editDistance", () => {
  it.each([
    { a: "plan", b: "plan", distance: 0 },
    { a: "pln", b: "plan", distance: 1 },
    { a: "trasnform", b: "transform", distance: 1 },
    { a: "stauts", b: "status", distance: 1 },
    { a: "", b: "run", distance: 3 },
    { a: "kitten", b: "sitting", distance: 3 },
  ])("turns $a into $b in $distance edits", ({ a, b, distance }) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("nearestName", () => {
  it.each([
    { word: "trasnform", expected: "transform" },
    { word: "stauts", expected: "status" },
    { word: "Plan", expected: "plan" },
    { word: "lod", expected: "load" },
    { word: "disc", expected: "discover" },
    { word: "conifg", expected: "config" },
    { word: "chek", expected: "check" },
    { word: "xyzzy", expected: undefined },
    { word: "de", expected: undefined },
    { word: "sk_live_8f2a9c1d", expected: undefined },
  ])("takes $word for $expected", ({ word, expected }) => {
    expect(nearestName(word, COMMANDS)).toBe(expected);
  });

  it.each([
    { word: "OCEAN__PORT__CLIENTID", expected: "OCEAN__PORT__CLIENT_ID" },
    { word: "OCEAN__INTEGRATION__CONFIG__BASEURL", expected: "OCEAN__INTEGRATION__CONFIG__BASE_URL" },
    { word: "ETL_DATABASE", expected: undefined },
  ])("finds the setting $expected for the variable $word", ({ word, expected }) => {
    expect(nearestName(word, ["OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET", "OCEAN__INTEGRATION__CONFIG__BASE_URL", "ETL_DB"])).toBe(expected);
  });

  it("prefers the closer of two names, then the one listed first", () => {
    expect(nearestName("lan", ["plan", "load"])).toBe("plan");
    expect(nearestName("ru", ["run", "rut"])).toBe("run");
  });
});
