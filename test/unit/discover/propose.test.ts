import { describe, expect, it } from "vitest";
import { findRelationCandidate } from "../../../src/discover/infer-relation";
import { assignBlueprintIdentifiers, pickTitleField, proposeKind, readLiteralBlueprint, type KindEvidence } from "../../../src/discover/propose";
import { observeRecord, type ValueStats } from "../../../src/discover/value-stats";
import type { Blueprint } from "../../../src/model/blueprint";

function fieldsOf(records: readonly Record<string, unknown>[]): Map<string, ValueStats> {
  const fields = new Map<string, ValueStats>();
  for (const record of records) observeRecord(fields, record);
  return fields;
}

function evidenceOf(records: readonly Record<string, unknown>[], relations: Readonly<Record<string, string>> = {}, existing?: Blueprint): KindEvidence {
  const fields = fieldsOf(records);
  return {
    kind: "/v3/follow_ups",
    name: "follow_ups",
    blueprint: "incidentioFollowUp",
    existing,
    records: 10,
    sampled: records.length,
    fields,
    relations: new Map(
      Object.entries(relations).map(([field, target]) => {
        const candidate = findRelationCandidate(field, fields.get(field) as ValueStats);
        if (candidate === undefined) throw new Error(`${field} is not a relation candidate`);
        return [field, { candidate, target }];
      }),
    ),
  };
}

const FOLLOW_UPS = [
  {
    id: "F1",
    title: "Add alerting",
    incident_id: "I1",
    status: "outstanding",
    assignee: { id: "U1", name: "Ann" },
    created_at: "2023-02-15T22:20:34.201208Z",
    secret_token: "s3cr3t",
    __incident_id: "I1",
  },
  { id: "F2", title: "Fix runbook", incident_id: "I2", status: "completed", assignee: null, created_at: "2023-02-16T10:00:00Z", secret_token: "x", __incident_id: "I2" },
];

describe("proposeKind", () => {
  it("maps the identifier, the title field, properties and relations, and names the skipped fields", () => {
    const proposal = proposeKind(evidenceOf(FOLLOW_UPS, { incident_id: "incidentioIncident", assignee: "incidentioUser", __incident_id: "incidentioIncident" }));
    expect(proposal.mappings).toEqual({
      identifier: ".id",
      title: ".title",
      blueprint: '"incidentioFollowUp"',
      properties: { status: ".status", createdAt: ".created_at" },
      relations: { incident: ".incident_id", assignee: ".assignee.id" },
    });
    expect(proposal.blueprint).toEqual({
      identifier: "incidentioFollowUp",
      title: "Incident.io Follow Ups",
      description: "Records of /v3/follow_ups in Incident.io (proposed by etl discover from 2 of 10 records)",
      schema: {
        properties: { status: { type: "string", title: "Status" }, createdAt: { type: "string", title: "Created At", format: "date-time" } },
        required: [],
      },
      relations: {
        incident: { title: "Incident", target: "incidentioIncident", required: false, many: false },
        assignee: { title: "Assignee", target: "incidentioUser", required: false, many: false },
      },
    });
    expect(proposal.summary).toEqual({
      kind: "/v3/follow_ups",
      name: "follow_ups",
      blueprint: "incidentioFollowUp",
      records: 10,
      sampled: 2,
      properties: 2,
      relations: [
        { name: "incident", field: "incident_id", target: "incidentioIncident", many: false },
        { name: "assignee", field: "assignee", target: "incidentioUser", many: false },
      ],
      skipped: [{ field: "secret_token", reason: "looks like a secret" }],
    });
  });

  it("keeps the title, icon and description of the configured blueprint it reuses", () => {
    const existing: Blueprint = { identifier: "incidentioFollowUp", title: "Follow-up", icon: "Task", description: "A follow-up", schema: { properties: {}, required: [] }, relations: {} };
    const { blueprint } = proposeKind(evidenceOf(FOLLOW_UPS, {}, existing));
    expect([blueprint.title, blueprint.icon, blueprint.description]).toEqual(["Follow-up", "Task", "A follow-up"]);
  });

  it("takes the title from .id, as a string, when no field holds a name", () => {
    const { mappings } = proposeKind(evidenceOf([{ id: 7, rank: 1 }]));
    expect([mappings.identifier, mappings.title, mappings.properties]).toEqual([".id | tostring", ".id | tostring", { rank: ".rank" }]);
  });

  it("keeps the first field of a property name and says where the others went", () => {
    const { mappings, summary } = proposeKind(evidenceOf([{ id: "1", created_at: "a", createdAt: "b", "it's": 1, "---": 2, empty: null }]));
    expect(mappings.properties).toEqual({ createdAt: ".created_at" });
    expect(summary.skipped).toEqual([
      { field: "createdAt", reason: 'property "createdAt" already comes from created_at' },
      { field: "it's", reason: "its name holds a single quote, which Ocean's quote rewriting would change in jq" },
      { field: "---", reason: "its name has no letters or digits to name a property after" },
      { field: "empty", reason: "always null or missing in the sample" },
    ]);
  });

  it("keeps the first field of a relation name and says where the others went", () => {
    const records = [{ id: "1", team_id: "T1", team: { id: "T1" } }];
    const { mappings, summary } = proposeKind(evidenceOf(records, { team_id: "incidentioTeam", team: "incidentioTeam" }));
    expect(mappings.relations).toEqual({ team: ".team_id" });
    expect(summary.skipped).toEqual([{ field: "team", reason: 'relation "team" already comes from team_id' }]);
  });

  it("proposes no field Incident.io's API documents as deprecated (a user's frozen role), and says so", () => {
    const users = [
      { id: "U1", name: "Ann", role: "owner", base_role: { slug: "owner" } },
      { id: "U2", name: "Bob", role: "viewer", base_role: { slug: "viewer" } },
    ];
    const { mappings, summary } = proposeKind({ ...evidenceOf(users), kind: "/v2/users", name: "users", blueprint: "incidentioUser" });
    expect(mappings.properties).toEqual({ baseRole: ".base_role" });
    expect(summary.skipped).toEqual([{ field: "role", reason: "deprecated in Incident.io's API" }]);
  });

  it("never maps an injected parent value as a property", () => {
    const { mappings, summary } = proposeKind(evidenceOf([{ id: "1", name: "a", __catalog_type_id: "T1" }]));
    expect([mappings.properties, mappings.relations, summary.skipped]).toEqual([{}, {}, []]);
  });
});

describe("pickTitleField", () => {
  it.each([
    { records: [{ id: "1", name: "a", title: "b" }], expected: "name" },
    { records: [{ id: "1", title: "b", summary: "c" }], expected: "title" },
    { records: [{ id: "1", name: null, summary: "c" }], expected: "summary" },
    { records: [{ id: "1", name: { first: "a" }, title: "b" }], expected: "title" },
    { records: [{ id: "1", label: "x" }], expected: undefined },
  ])("picks $expected", ({ records, expected }) => {
    expect(pickTitleField(fieldsOf(records))).toBe(expected);
  });
});

describe("readLiteralBlueprint", () => {
  it.each([
    { expression: '"incidentioUser"', expected: "incidentioUser" },
    { expression: " 'incidentioUser' ", expected: "incidentioUser" },
    { expression: '.type + "Blueprint"', expected: undefined },
    { expression: '"a\\"b"', expected: undefined },
  ])("reads $expression as $expected", ({ expression, expected }) => {
    expect(readLiteralBlueprint(expression)).toBe(expected);
  });
});

describe("assignBlueprintIdentifiers", () => {
  it.each([
    {
      name: "reuses the blueprint each mapping names",
      kinds: [{ kind: "/v2/users", name: "users", literal: "incidentioUser" }],
      expected: ["incidentioUser"],
    },
    {
      name: "names a kind without a literal blueprint incidentio + PascalCase",
      kinds: [{ kind: "/v3/catalog_entries", name: "catalog_entries", literal: undefined }],
      expected: ["incidentioCatalogEntries"],
    },
    {
      name: "falls back to the generated name when an earlier kind took the literal one",
      kinds: [
        { kind: "/v3/follow_ups", name: "v3/follow_ups", literal: "incidentioFollowUp" },
        { kind: "/v2/follow_ups", name: "v2/follow_ups", literal: "incidentioFollowUp" },
      ],
      expected: ["incidentioFollowUp", "incidentioV2FollowUps"],
    },
    {
      name: "numbers a generated name an earlier kind took",
      kinds: [
        { kind: "/a", name: "users", literal: "incidentioUsers" },
        { kind: "/b", name: "users", literal: undefined },
        { kind: "/c", name: "users", literal: undefined },
      ],
      expected: ["incidentioUsers", "incidentioUsers2", "incidentioUsers3"],
    },
  ])("$name", ({ kinds, expected }) => {
    expect([...assignBlueprintIdentifiers(kinds).values()]).toEqual(expected);
  });
});
