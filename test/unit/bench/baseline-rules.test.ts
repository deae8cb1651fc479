import { describe, expect, it } from "vitest";
import { buildRecordFilter, chooseTimeScale, computeOceanSyncFigures, countOceanResyncRequests, minimumSecondsFor, scaledRequestsPerMinute, shareOfHourBudget, spreadSample } from "../../../bench/baseline-rules";

describe("countOceanResyncRequests", () => {
  it.each([
    { name: "counts bulks of 20 and searches of 50 per blueprint", entities: { a: 100, b: 41 }, expected: { upserts: 5 + 3, searches: 2 + 1, total: 11 } },
    { name: "rounds each blueprint up on its own", entities: { a: 1, b: 1 }, expected: { upserts: 2, searches: 2, total: 4 } },
    { name: "sends nothing for no entities", entities: { a: 0 }, expected: { upserts: 0, searches: 0, total: 0 } },
  ])("$name", ({ entities, expected }) => {
    expect(countOceanResyncRequests(entities as Record<string, number>)).toEqual(expected);
  });
});

describe("shareOfHourBudget", () => {
  it.each([
    { requests: 720, expected: 0.01 },
    { requests: 72_000, expected: 1 },
    { requests: 0, expected: 0 },
  ])("$requests requests are $expected of 1,200 a minute for an hour", ({ requests, expected }) => {
    expect(shareOfHourBudget(requests)).toBeCloseTo(expected, 10);
  });
});

describe("computeOceanSyncFigures", () => {
  it("reads everything and re-uploads every entity, reading each back, whatever changed", () => {
    expect(computeOceanSyncFigures(21_600, { a: 100, b: 41 })).toEqual({ incidentIoRequests: 21_600, hourBudgetShare: 0.3, budgetMinimumSeconds: 1_080, portRequests: 11, entityWrites: 141 });
  });
});

describe("buildRecordFilter", () => {
  it("builds one object of the first output of every expression, behind the selector", () => {
    const filter = buildRecordFilter("true", {
      identifier: ".id",
      title: ".name",
      blueprint: '"user"',
      icon: undefined,
      team: undefined,
      properties: { email: ".email" },
      relations: { teams: ".team_ids // []" },
    });
    expect(filter).toBe(
      'if ([true] | .[0]) == true then {"identifier": ([.id] | .[0]), "blueprint": (["user"] | .[0]), "title": ([.name] | .[0]), ' +
        '"properties": {"email": ([.email] | .[0])}, "relations": {"teams": ([.team_ids // []] | .[0])}} else null end',
    );
  });
});

describe("chooseTimeScale", () => {
  it.each([
    { name: "sets the budget at a quarter of the free rate", free: 400, expected: 5 },
    { name: "rounds down to hundredths", free: 123, expected: 1.53 },
    { name: "never runs the clock slower than 1/20", free: 1, expected: 0.05 },
    { name: "never runs it faster than a minute a second", free: 1_000_000, expected: 60 },
  ])("$name", ({ free, expected }) => {
    expect(chooseTimeScale(free)).toBe(expected);
  });

  it("gives the product a whole number of requests a minute", () => {
    expect(scaledRequestsPerMinute(chooseTimeScale(123))).toBe(1836);
  });
});

describe("minimumSecondsFor", () => {
  it("divides the requests by the budget", () => {
    expect(minimumSecondsFor(600, 1200)).toBe(30);
  });
});

describe("spreadSample", () => {
  it.each([
    { name: "takes from each group in turn", groups: [["a1", "a2", "a3"], ["b1", "b2", "b3"]], total: 4, expected: ["a1", "b1", "a2", "b2"] },
    { name: "fills up from the larger groups once a small one runs out", groups: [["a1"], ["b1", "b2", "b3"]], total: 3, expected: ["a1", "b1", "b2"] },
    { name: "gives everything when there is less than asked", groups: [["a1"], []], total: 5, expected: ["a1"] },
  ])("$name", ({ groups, total, expected }) => {
    expect(spreadSample(groups, total)).toEqual(expected);
  });
});
