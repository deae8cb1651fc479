import { describe, expect, it } from "vitest";
import { chooseRelationTarget, findRelationCandidate, nameRelation } from "../../../src/discover/infer-relation";
import { statsOf } from "../../helpers/discover-stats";

describe("nameRelation", () => {
  it.each([
    { field: "incident_id", many: false, expected: "incident" },
    { field: "team_ids", many: true, expected: "teams" },
    { field: "owning_team_ids", many: true, expected: "owningTeams" },
    { field: "alias_ids", many: true, expected: "alias" },
    { field: "__catalog_type_id", many: false, expected: "catalogType" },
    { field: "severity", many: false, expected: "severity" },
    { field: "members", many: true, expected: "members" },
  ])("names $field $expected", ({ field, many, expected }) => {
    expect(nameRelation(field, many)).toBe(expected);
  });
});

describe("findRelationCandidate", () => {
  it.each([
    {
      name: "a *_id string",
      field: "incident_id",
      values: ["I1", "I2", "I1", null],
      expected: { field: "incident_id", name: "incident", many: false, expression: ".incident_id", values: ["I1", "I2"] },
    },
    {
      name: "an injected parent value",
      field: "__catalog_type_id",
      values: ["T1"],
      expected: { field: "__catalog_type_id", name: "catalogType", many: false, expression: ".__catalog_type_id", values: ["T1"] },
    },
    {
      name: "a *_ids array of strings, missing ones as []",
      field: "team_ids",
      values: [["T1", "T2"], [], null],
      expected: { field: "team_ids", name: "teams", many: true, expression: ".team_ids // []", values: ["T1", "T2"] },
    },
    {
      name: "an object with an id",
      field: "severity",
      values: [{ id: "S1", name: "Minor" }, null],
      expected: { field: "severity", name: "severity", many: false, expression: ".severity.id", values: ["S1"] },
    },
    {
      name: "an array of objects with ids, missing ones as []",
      field: "members",
      values: [[{ id: "U1" }, { id: "U2" }], null],
      expected: { field: "members", name: "members", many: true, expression: "[.members[]?.id]", values: ["U1", "U2"] },
    },
  ])("finds $name", ({ field, values, expected }) => {
    expect(findRelationCandidate(field, statsOf(values))).toEqual(expected);
  });

  it.each([
    { name: "the record's own id", field: "id", values: ["A"] },
    { name: "a string field without _id", field: "status", values: ["live"] },
    { name: "a *_id field of numbers", field: "external_id", values: [12] },
    { name: "a *_id field of mixed types", field: "parent_id", values: ["A", 1] },
    { name: "a *_ids array of numbers", field: "group_ids", values: [[1, 2]] },
    { name: "a *_ids array that was always empty", field: "group_ids", values: [[], []] },
    { name: "objects that do not all have an id", field: "creator", values: [{ id: "U1" }, { user: { id: "U2" } }] },
    { name: "arrays of objects that do not all have an id", field: "shifts", values: [[{ id: "S1" }, { user: "U1" }]] },
    { name: "a field that is always null", field: "owner_id", values: [null] },
  ])("finds nothing in $name", ({ field, values }) => {
    expect(findRelationCandidate(field, statsOf(values))).toBeUndefined();
  });
});

describe("chooseRelationTarget", () => {
  const users = { kind: "/v2/users", blueprint: "incidentioUser" };
  const teams = { kind: "/v3/teams", blueprint: "incidentioTeam" };
  it.each([
    { name: "the kind holding every value", distinct: 4, matches: [{ ...users, matched: 0 }, { ...teams, matched: 4 }], expected: "incidentioTeam" },
    { name: "the kind holding the most values", distinct: 4, matches: [{ ...users, matched: 2 }, { ...teams, matched: 3 }], expected: "incidentioTeam" },
    { name: "the first kind on a tie", distinct: 4, matches: [{ ...users, matched: 3 }, { ...teams, matched: 3 }], expected: "incidentioUser" },
    { name: "a kind holding exactly half the values", distinct: 4, matches: [{ ...users, matched: 2 }], expected: "incidentioUser" },
    { name: "no kind when fewer than half match", distinct: 5, matches: [{ ...users, matched: 2 }], expected: undefined },
    { name: "no kind when nothing matches", distinct: 0, matches: [{ ...users, matched: 0 }], expected: undefined },
    { name: "no kind when there are no kinds", distinct: 3, matches: [], expected: undefined },
  ])("picks $name", ({ distinct, matches, expected }) => {
    expect(chooseRelationTarget(distinct, matches)?.blueprint).toBe(expected);
  });
});
