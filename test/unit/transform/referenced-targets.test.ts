import { describe, expect, it } from "vitest";
import { ReferencedTargets } from "../../../src/transform/referenced-targets";

const OWNER = { blueprint: "ticket", relation: "owner", target: "user" };
const WATCHERS = { blueprint: "ticket", relation: "watchers", target: "user" };

describe("ReferencedTargets", () => {
  it.each([
    { name: "a string value", relations: { owner: "u1" }, owner: ["u1"], watchers: [] },
    { name: "the strings of an array", relations: { watchers: ["u1", 7, null, "u2"] }, owner: [], watchers: ["u1", "u2"] },
    { name: "nothing for null, numbers or objects", relations: { owner: null, watchers: { id: "u1" } }, owner: [], watchers: [] },
    { name: "nothing for a relation the blueprint does not define", relations: { reviewer: "u9" }, owner: [], watchers: [] },
  ])("collects $name", ({ relations, owner, watchers }) => {
    const referenced = new ReferencedTargets([OWNER, WATCHERS]);
    referenced.add("ticket", relations);
    expect(referenced.list()).toEqual([
      { definition: OWNER, values: owner },
      { definition: WATCHERS, values: watchers },
    ]);
  });

  it("keeps each value once, and ignores blueprints without relations", () => {
    const referenced = new ReferencedTargets([OWNER]);
    referenced.add("ticket", { owner: "u1" });
    referenced.add("ticket", { owner: "u1" });
    referenced.add("user", { owner: "u2" });
    expect(referenced.list()).toEqual([{ definition: OWNER, values: ["u1"] }]);
  });

  it("gives up listing a relation with more than 50,000 distinct values, so that it is checked in full", () => {
    const referenced = new ReferencedTargets([OWNER, WATCHERS]);
    for (let index = 0; index <= 50_000; index += 1) referenced.add("ticket", { owner: `u${index}`, watchers: ["u1"] });
    expect(referenced.list()).toEqual([
      { definition: OWNER, values: undefined },
      { definition: WATCHERS, values: ["u1"] },
    ]);
  });
});
