import { describe, expect, it } from "vitest";
import { planRemovedResources } from "../../../src/load/removed-resources";

const ALERTS = { blueprint: "incidentioAlert", kind: "/v2/alerts", entities: 300, blueprintEntities: 300 };
const SOME_USERS = { blueprint: "incidentioUser", kind: "/v2/users_old", entities: 5, blueprintEntities: 100 };

describe("planRemovedResources", () => {
  it.each([
    { name: "without the flag nothing is deleted", tally: SOME_USERS, rules: { deleteRequested: false, threshold: 0.9, allowMassDelete: false }, deleted: 0, block: "not-requested" },
    { name: "with the flag, under the threshold, all are deleted", tally: SOME_USERS, rules: { deleteRequested: true, threshold: 0.9, allowMassDelete: false }, deleted: 5, block: undefined },
    { name: "a whole blueprint is over the threshold", tally: ALERTS, rules: { deleteRequested: true, threshold: 0.9, allowMassDelete: false }, deleted: 0, block: "threshold" },
    { name: "--allow-mass-delete lifts the threshold", tally: ALERTS, rules: { deleteRequested: true, threshold: 0.9, allowMassDelete: true }, deleted: 300, block: undefined },
    { name: "a threshold of 1 lets a whole blueprint go", tally: ALERTS, rules: { deleteRequested: true, threshold: 1, allowMassDelete: false }, deleted: 300, block: undefined },
  ])("$name", ({ tally, rules, deleted, block }) => {
    const [plan] = planRemovedResources([tally], rules);
    expect([plan?.deleted, plan?.deleteBlock]).toEqual([deleted, block]);
  });

  it("counts the threshold over every removed kind of a blueprint together", () => {
    const plans = planRemovedResources(
      [
        { blueprint: "incidentioUser", kind: "/a", entities: 50, blueprintEntities: 100 },
        { blueprint: "incidentioUser", kind: "/b", entities: 45, blueprintEntities: 100 },
      ],
      { deleteRequested: true, threshold: 0.9, allowMassDelete: false },
    );
    expect(plans.map((plan) => plan.deleteBlock)).toEqual(["threshold", "threshold"]);
  });
});
