import { describe, expect, it } from "vitest";
import { describeAttention, describeTransform, renderRunSummary } from "../../../src/cli/summary-table";
import type { ResourceMapping } from "../../../src/model/mapping";
import type { RunSummary, TransformKindSummary, TransformSummary } from "../../../src/model/summary";

const RESOURCES = [
  { kind: "/v2/users", name: "users", mappings: { blueprint: '"incidentioUser"' } },
  { kind: "/v2/incidents", name: "incidents", mappings: { blueprint: '"incidentioIncident"' } },
] as unknown as ResourceMapping[];

const SUMMARY: RunSummary = {
  runId: 3,
  status: "failed",
  durationMs: 2_340,
  databasePath: "/data/etl.sqlite",
  errors: ["extract incidents: GET /v2/incidents (cursor 01HX): 500"],
  extract: {
    runId: 3,
    requests: 4,
    durationMs: 900,
    kinds: [
      { kind: "/v2/users", name: "users", status: "complete", mode: "full", pages: 1, records: 40, requests: 1, rejected: 0, durationMs: 10 },
      { kind: "/v2/incidents", name: "incidents", status: "failed", mode: "full", pages: 2, records: 500, requests: 3, rejected: 0, durationMs: 10, error: "500" },
    ],
  },
  transform: {
    runId: 3,
    durationMs: 300,
    blueprints: {},
    kinds: [
      { kind: "/v2/users", name: "users", records: 40, entities: 40, skipped: 0, filtered: 0, heldBack: 1, mappingErrors: 2, danglingRelations: 0, durationMs: 1 },
    ],
  },
  load: {
    runId: 3,
    durationMs: 100,
    dryRun: false,
    requests: { entityWrites: 2, other: 5 },
    blueprints: [
      { blueprint: "incidentioUser", created: 1, updated: 2, deleted: 0, unchanged: 36, failed: 0, deletesWithheld: 0 },
      { blueprint: "incidentioIncident", created: 0, updated: 0, deleted: 0, unchanged: 400, failed: 0, deletesWithheld: 3, deleteBlock: "extract-incomplete" },
    ],
  },
};

describe("renderRunSummary", () => {
  it("shows one row per kind with what each stage did, then errors and the staging file", () => {
    expect(renderRunSummary(SUMMARY, RESOURCES)).toMatchInlineSnapshot(`
      "kind          extracted  entities  created  updated          deleted  unchanged  held back  errors
      users                40        40        1        2                0         36          1       2
      incidents  FAILED (500)         -        0        0  0 (+3 withheld)        400          -       1
      Port: 2 entity write requests, 5 other requests
      error: extract incidents: GET /v2/incidents (cursor 01HX): 500
      Run 3 failed in 2.3 s; staging file: /data/etl.sqlite
      2 mapping errors, 1 entity held back: see pnpm etl status
      "
    `);
  });

  it("counts a kind's rejected items in its row and errors, and prints an extract warning once", () => {
    const extract = SUMMARY.extract!;
    const rejected: RunSummary = {
      ...SUMMARY,
      extract: {
        ...extract,
        kinds: [{ ...extract.kinds[0]!, rejected: 3, warning: "/v3/follow_ups answered 404, so follow-ups were read from the deprecated /v2/follow_ups" }, extract.kinds[1]!],
      },
    };
    const text = renderRunSummary(rejected, RESOURCES);
    expect(text).toContain("users      40 (+3 rejected)");
    expect(text.split("\n")[1]).toMatch(/ 5$/);
    expect(text.match(/^warning: .*$/gm)).toEqual(["warning: extract users: /v3/follow_ups answered 404, so follow-ups were read from the deprecated /v2/follow_ups"]);
  });

  it("labels an incremental read's count as read, since alerts re-read every open alert", () => {
    const extract = SUMMARY.extract!;
    const incremental: RunSummary = {
      ...SUMMARY,
      extract: { ...extract, kinds: [{ ...extract.kinds[0]!, mode: "incremental", records: 18_206 }, extract.kinds[1]!] },
    };
    expect(renderRunSummary(incremental, RESOURCES).split("\n")[1]).toMatch(/^users +18206 read +40 /);
  });

  it("lists the first planned changes with their changed fields for a plan", () => {
    const plan: RunSummary = {
      ...SUMMARY,
      status: "succeeded",
      errors: [],
      load: {
        ...SUMMARY.load!,
        dryRun: true,
        plan: { totalChanges: 3, changes: [{ operation: "update", blueprint: "incidentioUser", identifier: "01U", fields: ["title", "properties.email"] }] },
      },
    };
    expect(renderRunSummary(plan, RESOURCES)).toContain(
      "Plan (nothing was sent to Port): 3 changes, the first 1 (--all or --limit N for more):\n  update incidentioUser/01U (title, properties.email)\n",
    );
  });
});

describe("renderRunSummary with hostile values", () => {
  it("shows control characters from API data as escapes instead of printing them", () => {
    const hostile: RunSummary = { ...SUMMARY, errors: ["extract users: bad id 01\u001b[2J\nfake line"] };
    const text = renderRunSummary(hostile, RESOURCES);
    expect(text).toContain("bad id 01\\u001b[2J\\u000afake line");
    expect(text).not.toContain("\u001b");
  });
});

describe("describeAttention", () => {
  const withCounts = (mappingErrors: number, heldBack: number, kept: number | undefined): RunSummary => ({
    ...SUMMARY,
    transform: { ...SUMMARY.transform!, kinds: SUMMARY.transform!.kinds.map((kind) => ({ ...kind, mappingErrors, heldBack })) },
    load: { ...SUMMARY.load!, blueprints: SUMMARY.load!.blueprints.map((blueprint, i) => (i === 0 && kept !== undefined ? { ...blueprint, kept } : blueprint)) },
  });

  it.each([
    { errors: 0, heldBack: 0, kept: undefined, line: undefined },
    { errors: 0, heldBack: 0, kept: 0, line: undefined },
    { errors: 3, heldBack: 0, kept: 0, line: "3 mapping errors: see pnpm etl status" },
    { errors: 1, heldBack: 1, kept: 1, line: "1 mapping error, 1 entity held back, 1 entity in Port kept as last pushed: see pnpm etl status" },
    { errors: 0, heldBack: 2, kept: 2, line: "2 entities held back, 2 entities in Port kept as last pushed: see pnpm etl status" },
  ])("says $line for $errors mapping errors, $heldBack held back and $kept kept", ({ errors, heldBack, kept, line }) => {
    expect(describeAttention(withCounts(errors, heldBack, kept))).toBe(line);
  });

  it("is the summary's last line", () => {
    expect(renderRunSummary(withCounts(3, 0, 2), RESOURCES).trimEnd().split("\n").at(-1)).toBe(
      "3 mapping errors, 2 entities in Port kept as last pushed: see pnpm etl status",
    );
  });

  it("leaves a summary of a stage without those counts alone", () => {
    expect(describeAttention({ ...SUMMARY, transform: undefined, load: undefined })).toBeUndefined();
  });
});

describe("describeTransform", () => {
  const kind = (name: string, records: number, more: Partial<TransformKindSummary>): TransformKindSummary => ({
    kind: `/v2/${name}`,
    name,
    records,
    entities: records,
    skipped: 0,
    filtered: 0,
    heldBack: 0,
    mappingErrors: 0,
    danglingRelations: 0,
    durationMs: 1,
    ...more,
  });
  const transform = (...kinds: TransformKindSummary[]): TransformSummary => ({ runId: 1, durationMs: 1, blueprints: {}, kinds });

  it.each([
    { name: "nothing changed", summary: transform(kind("users", 40, { mapped: 0 }), kind("incidents", 20_000, { mapped: 0 })), line: "Transform: mapped 0 of 20,040 records, the others unchanged since staged" },
    { name: "a few changed", summary: transform(kind("users", 40, { mapped: 0 }), kind("incidents", 20_000, { mapped: 20 })), line: "Transform: mapped 20 of 20,040 records, the others unchanged since staged" },
    {
      name: "one kind in full",
      summary: transform(kind("users", 40, { mapped: 40, remapped: "mapping-changed" }), kind("incidents", 20_000, { mapped: 3 })),
      line: "Transform: mapped 43 of 20,040 records, the others unchanged since staged; in full: users (mapping changed)",
    },
    {
      name: "everything, first time",
      summary: transform(kind("users", 40, { mapped: 40, remapped: "first-transform" }), kind("incidents", 20_000, { mapped: 20_000, remapped: "first-transform" })),
      line: "Transform: mapped all 20,040 records; in full: users (first transform), incidents (first transform)",
    },
    { name: "a summary from before only changes were mapped", summary: transform(kind("users", 40, {})), line: undefined },
    { name: "no transform", summary: undefined, line: undefined },
  ])("$name", ({ summary, line }) => {
    expect(describeTransform(summary)).toBe(line);
  });
});

describe("renderRunSummary with the run's mapping", () => {
  it("takes its rows from the mapping the run used and names its source and the changes to Port's", () => {
    const fromPort: RunSummary = {
      ...SUMMARY,
      mapping: {
        source: "file",
        integration: "my-integration",
        path: "m.yml",
        plannedPortWrite: "push",
        description: "file m.yml (would be pushed to Port)",
        changes: ["~ /v2/users: port.entity.mappings.title"],
        resources: [{ kind: "/v2/users", name: "users", blueprint: "incidentioUser" }],
      },
    };
    const lines = renderRunSummary(fromPort, RESOURCES).split("\n");
    expect(lines.filter((line) => line.startsWith("incidents"))).toEqual([]);
    expect(lines.slice(2, 4)).toEqual(["Mapping: file m.yml (would be pushed to Port)", "  ~ /v2/users: port.entity.mappings.title"]);
  });
});
