import { describe, expect, it } from "vitest";
import { decideKindRemap, type KindHistory, type KindRemap } from "../../../src/transform/kind-remap";

const SAME: KindHistory = { stagedWith: "h1", mappingHash: "h1", fullRefresh: false, hasDuplicateIdentifiers: false };

describe("decideKindRemap: must every record of the kind be mapped again?", () => {
  it.each<{ name: string; history: KindHistory; expected: KindRemap }>([
    { name: "no: same mapping, no refresh, no duplicate", history: SAME, expected: { scope: "changed" } },
    { name: "yes: never transformed with a hash kept", history: { ...SAME, stagedWith: undefined }, expected: { scope: "all", reason: "first-transform" } },
    { name: "yes: the mapping hash changed", history: { ...SAME, mappingHash: "h2" }, expected: { scope: "all", reason: "mapping-changed" } },
    { name: "yes: --full-refresh", history: { ...SAME, fullRefresh: true }, expected: { scope: "all", reason: "full-refresh" } },
    { name: "yes: a duplicate identifier stands", history: { ...SAME, hasDuplicateIdentifiers: true }, expected: { scope: "all", reason: "duplicate-identifiers" } },
    {
      name: "--full-refresh names itself first",
      history: { stagedWith: undefined, mappingHash: "h2", fullRefresh: true, hasDuplicateIdentifiers: true },
      expected: { scope: "all", reason: "full-refresh" },
    },
    { name: "a changed mapping is named before a duplicate", history: { ...SAME, mappingHash: "h2", hasDuplicateIdentifiers: true }, expected: { scope: "all", reason: "mapping-changed" } },
  ])("$name", ({ history, expected }) => {
    expect(decideKindRemap(history)).toEqual(expected);
  });
});
