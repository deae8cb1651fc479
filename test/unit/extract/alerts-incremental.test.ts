import { describe, expect, it } from "vitest";
import { alertShowPath, OPEN_ALERTS_FILTER, readAlertsIncrementally, readShownAlert, type AlertsReadSteps } from "../../../src/extract/alerts-incremental";

/** Steps over in-memory state, recording what the read asked for, in order. */
function steps(leftOpen: readonly string[], deleted: readonly string[] = []): AlertsReadSteps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    readList: async (filters) => {
      calls.push(`list ${JSON.stringify(filters)}`);
    },
    readWholeList: async (filters) => {
      calls.push(`whole list ${JSON.stringify(filters)}`);
    },
    listLeftOpen: async (limit) => {
      calls.push(`left-open ${limit}`);
      return leftOpen.slice(0, limit);
    },
    readOne: async (id) => {
      calls.push(`get ${id}`);
      return !deleted.includes(id);
    },
  };
}

const SINCE = { "created_at[gte]": "2025-03-09" };

describe("readAlertsIncrementally", () => {
  it.each([
    {
      name: "nothing left open: the created_at list and the open list only",
      leftOpen: [],
      deleted: [],
      max: 2,
      calls: ['list {"created_at[gte]":"2025-03-09"}', 'whole list {"status[not_in]":"resolved"}', "left-open 3"],
      outcome: { mode: "incremental", byId: 0, gone: 0 },
    },
    {
      name: "alerts left open are read by ID, a deleted one counted as gone",
      leftOpen: ["a", "b"],
      deleted: ["b"],
      max: 2,
      calls: ['list {"created_at[gte]":"2025-03-09"}', 'whole list {"status[not_in]":"resolved"}', "left-open 3", "get a", "get b"],
      outcome: { mode: "incremental", byId: 2, gone: 1 },
    },
    {
      name: "more left open than the bound: one full list instead, no read by ID",
      leftOpen: ["a", "b", "c"],
      deleted: [],
      max: 2,
      calls: ['list {"created_at[gte]":"2025-03-09"}', 'whole list {"status[not_in]":"resolved"}', "left-open 3", "whole list {}"],
      outcome: { mode: "full", reason: "alerts-left-open-over-max", leftOpen: 3 },
    },
    {
      name: "a bound of 0 reads in full as soon as one alert is left open",
      leftOpen: ["a"],
      deleted: [],
      max: 0,
      calls: ['list {"created_at[gte]":"2025-03-09"}', 'whole list {"status[not_in]":"resolved"}', "left-open 1", "whole list {}"],
      outcome: { mode: "full", reason: "alerts-left-open-over-max", leftOpen: 1 },
    },
  ])("$name", async ({ leftOpen, deleted, max, calls, outcome }) => {
    const read = steps(leftOpen, deleted);
    expect(await readAlertsIncrementally(read, SINCE, max)).toEqual(outcome);
    expect(read.calls).toEqual(calls);
  });

  it("fails as the read by ID fails", async () => {
    const read = steps(["a"]);
    read.readOne = async () => {
      throw new Error("GET /v2/alerts/a: 500");
    };
    await expect(readAlertsIncrementally(read, SINCE, 5)).rejects.toThrow("GET /v2/alerts/a: 500");
  });
});

describe("the open set", () => {
  it("is every alert whose status is not the final one", () => {
    expect(OPEN_ALERTS_FILTER).toEqual({ "status[not_in]": "resolved" });
  });
});

describe("readShownAlert", () => {
  it.each([
    { name: "the alert of Alerts V2#Show's answer", page: { alert: { id: "a", status: "resolved" } }, expected: { id: "a", status: "resolved" } },
    { name: "an answer without an alert object", page: { alerts: [] }, expected: 'GET /v2/alerts/a: the answer has no "alert" object' },
    { name: "an alert that is not an object", page: { alert: [1] }, expected: 'GET /v2/alerts/a: the answer has no "alert" object' },
    { name: "no object at all", page: null, expected: 'GET /v2/alerts/a: the answer has no "alert" object' },
  ])("$name", ({ page, expected }) => {
    if (typeof expected === "string") expect(() => readShownAlert(page, "/v2/alerts/a")).toThrow(expected);
    else expect(readShownAlert(page, "/v2/alerts/a")).toEqual(expected);
  });

  it("encodes the ID into the path", () => {
    expect(alertShowPath("01H/x?y")).toBe("/v2/alerts/01H%2Fx%3Fy");
  });
});
