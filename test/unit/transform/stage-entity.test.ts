import { describe, expect, it } from "vitest";
import { stageEntity } from "../../../src/transform/stage-entity";
import { makeBlueprint } from "../../helpers/transform-fixtures";

const BLUEPRINTS = new Map([["thing", makeBlueprint("thing", { size: { type: "number" } })]]);

describe("stageEntity", () => {
  it("stages the entity in canonical form with its hash", () => {
    const staged = stageEntity({ identifier: "a", blueprint: "thing", optional: { title: "A" }, properties: { size: 1 }, relations: {} }, BLUEPRINTS);
    expect(staged).toEqual({
      blueprint: "thing",
      identifier: "a",
      entityJson: '{"blueprint":"thing","identifier":"a","properties":{"size":1},"relations":{},"title":"A"}',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      heldBackReason: null,
    });
  });

  it("gives the same hash whatever order the mapping built the keys in", () => {
    const first = stageEntity({ identifier: "a", blueprint: "thing", optional: {}, properties: { size: 1, other: 2 }, relations: {} }, BLUEPRINTS);
    const second = stageEntity({ identifier: "a", blueprint: "thing", optional: {}, properties: { other: 2, size: 1 }, relations: {} }, BLUEPRINTS);
    expect(first).toEqual(second);
  });

  it("holds back an entity Port would refuse, naming every reason", () => {
    const staged = stageEntity({ identifier: "a b", blueprint: "thing", optional: {}, properties: { size: "big" }, relations: {} }, BLUEPRINTS);
    expect(staged).toMatchObject({ heldBackReason: expect.stringMatching(/^identifier "a b" does not match .*; property "size" must be number, got "big"$/) });
  });

  it("keys a non-string identifier by its JSON and holds it back", () => {
    expect(stageEntity({ identifier: 42, blueprint: "thing", optional: {}, properties: {}, relations: {} }, BLUEPRINTS)).toMatchObject({
      identifier: "42",
      heldBackReason: "identifier must be a string, got 42",
    });
  });

  it("cannot stage an entity whose blueprint is not a string", () => {
    expect(stageEntity({ identifier: "a", blueprint: ["thing"], optional: {}, properties: {}, relations: {} }, BLUEPRINTS)).toEqual({
      error: 'blueprint must be a string, got ["thing"]',
    });
  });
});
