import { describe, expect, it } from "vitest";
import { createIncidentIoDataset, type IncidentIoDataset } from "../../../../src/sandbox/incidentio/dataset";
import { alertLacksPriority, hasArrayPriority } from "../../../../src/sandbox/incidentio/generate/alerts";
import { followUpLacksPriority } from "../../../../src/sandbox/incidentio/generate/follow-ups";
import { hasUnassignedLead, incidentModeAt, lacksSeverity } from "../../../../src/sandbox/incidentio/generate/incidents";
import { QUIRKS } from "../../../../src/sandbox/incidentio/generate/quirks";
import { lacksCurrentShifts } from "../../../../src/sandbox/incidentio/generate/schedules";
import { isUserActiveByDefault } from "../../../../src/sandbox/incidentio/generate/users";
import type { JsonObject, JsonValue } from "../../../../src/sandbox/incidentio/json";
import { INCIDENTIO_KINDS, type IncidentIoKind } from "../../../../src/sandbox/incidentio/kinds";
import { presetCounts } from "../../../../src/sandbox/incidentio/scale";

const ALL_MODES = { modes: ["standard", "retrospective", "test", "tutorial"] };

/** Every record of a kind, whatever the default filters hide. */
function everything(dataset: IncidentIoDataset, kind: IncidentIoKind): JsonObject[] {
  if (kind === "follow_ups") return ["standard", "retrospective", "test", "tutorial"].flatMap((incidentMode) => [...dataset.records(kind, { incidentMode })]);
  return [...dataset.records(kind, { includeInactive: true, ...ALL_MODES })];
}

function objectAt(value: JsonValue | undefined): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

function listAt(value: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value;
}

function collect(value: JsonValue, visit: (key: string, value: JsonValue) => void): void {
  if (Array.isArray(value)) for (const item of value) collect(item, visit);
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      visit(key, inner);
      collect(inner, visit);
    }
  }
}

const demo = createIncidentIoDataset({ seed: 7, scale: "demo" });

describe("createIncidentIoDataset", () => {
  it("builds the same records from the same seed, and other IDs from another", () => {
    const again = createIncidentIoDataset({ seed: 7, scale: "demo" });
    const other = createIncidentIoDataset({ seed: 8, scale: "demo" });
    expect([...again.records("incidents")]).toEqual([...demo.records("incidents")]);
    expect(other.idAt("incidents", 0)).not.toBe(demo.idAt("incidents", 0));
  });

  it("costs nothing up front for a million alerts and serves their last page directly", () => {
    const started = performance.now();
    const huge = createIncidentIoDataset({ scale: { ...presetCounts("large"), alerts: 1_000_000 } });
    const page = huge.page("alerts", { pageSize: 50, after: huge.idAt("alerts", 999_959) });
    expect(huge.count("alerts")).toBe(1_000_000);
    expect(page.records.map((alert) => alert["id"])).toEqual(Array.from({ length: 40 }, (_, offset) => huge.idAt("alerts", 999_960 + offset)));
    expect(page.after).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each(INCIDENTIO_KINDS.map((kind) => ({ kind })))("lists $kind in ID order with unique 26-character IDs", ({ kind }) => {
    const ids = everything(demo, kind).map((record) => String(record["id"]));
    const sorted = [...ids].sort();
    expect(ids).toEqual(kind === "incidents" ? sorted.reverse() : kind === "follow_ups" ? ids : sorted);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it.each(INCIDENTIO_KINDS.map((kind) => ({ kind })))("decodes every $kind ID back to its index", ({ kind }) => {
    const total = kind === "catalog_entries" ? demo.counts.catalog_entries.reduce((sum, count) => sum + count, 0) : demo.counts[kind];
    for (let index = 0; index < total; index += 1) expect(demo.indexOf(kind, demo.idAt(kind, index))).toBe(index);
  });

  it.each([
    { name: "an ID of another kind", id: () => demo.idAt("users", 0) },
    { name: "an ID of another seed", id: () => createIncidentIoDataset({ seed: 8, scale: "demo" }).idAt("incidents", 0) },
    { name: "an ID past the last record", id: () => createIncidentIoDataset({ seed: 7, scale: "large" }).idAt("incidents", 5_000) },
    { name: "something that is not an ID", id: () => "INC-12" },
  ])("does not take $name for an incident ID", ({ id }) => {
    expect(demo.indexOf("incidents", id())).toBeUndefined();
  });
});

describe("generated records", () => {
  it.each(INCIDENTIO_KINDS.map((kind) => ({ kind })))("omit absent $kind fields rather than sending null", ({ kind }) => {
    const nulls: string[] = [];
    for (const record of everything(demo, kind)) collect(record, (key, value) => value === null && nulls.push(`${String(record["id"])}.${key}`));
    expect(nulls).toEqual([]);
  });

  it("write timestamps in RFC 3339 UTC with 0, 3 and 6 fractional digits", () => {
    const digits = new Set<number>();
    for (const kind of INCIDENTIO_KINDS) {
      for (const record of everything(demo, kind)) {
        collect(record, (key, value) => {
          if (!key.endsWith("_at") || typeof value !== "string") return;
          expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z$/);
          digits.add(value.length === 20 ? 0 : value.length - 21);
        });
      }
    }
    expect([...digits].sort()).toEqual([0, 3, 6]);
  });

  it.each(INCIDENTIO_KINDS.map((kind) => ({ kind, field: QUIRKS[kind].extraField })))("give a few $kind an unknown extra field ($field)", ({ kind, field }) => {
    const records = everything(demo, kind);
    const quirky = records.filter((record) => field in record);
    expect(quirky.length).toBeGreaterThan(0);
    expect(quirky.length).toBeLessThanOrEqual(Math.ceil(records.length / 10));
  });

  const tiny = createIncidentIoDataset({ scale: "tiny" });
  const priorityOf = (alert: JsonObject): JsonObject | undefined =>
    listAt(alert["attributes"]).map(objectAt).find((entry) => objectAt(entry["attribute"])["name"] === "Priority");
  const roleTypes = (incident: JsonObject): JsonObject[] => listAt(incident["incident_role_assignments"]).map(objectAt);
  it.each([
    { shape: "an incident without severity", kind: "incidents" as const, test: (r: JsonObject) => !("severity" in r) },
    { shape: "a role assignment without assignee", kind: "incidents" as const, test: (r: JsonObject) => roleTypes(r).some((a) => !("assignee" in a)) },
    { shape: "an incident whose lead is assigned", kind: "incidents" as const, test: (r: JsonObject) => roleTypes(r).some((a) => objectAt(a["role"])["role_type"] === "lead" && "assignee" in a) },
    { shape: "a test incident", kind: "incidents" as const, test: (r: JsonObject) => r["mode"] === "test" },
    { shape: "a tutorial incident", kind: "incidents" as const, test: (r: JsonObject) => r["mode"] === "tutorial" },
    { shape: "a schedule without current_shifts", kind: "schedules" as const, test: (r: JsonObject) => !("current_shifts" in r) },
    { shape: "a shift without a user", kind: "schedules" as const, test: (r: JsonObject) => listAt(r["current_shifts"] ?? []).map(objectAt).some((s) => !("user" in s)) },
    { shape: "an alert without Priority", kind: "alerts" as const, test: (r: JsonObject) => priorityOf(r) === undefined },
    { shape: "an alert with an array-valued Priority", kind: "alerts" as const, test: (r: JsonObject) => priorityOf(r)?.["array_value"] !== undefined },
    { shape: "an alert with a single-valued Priority", kind: "alerts" as const, test: (r: JsonObject) => priorityOf(r)?.["value"] !== undefined },
    { shape: "a follow-up without priority", kind: "follow_ups" as const, test: (r: JsonObject) => !("priority" in r) },
    { shape: "a catalog entry with a value attribute", kind: "catalog_entries" as const, test: (r: JsonObject) => Object.values(objectAt(r["attribute_values"])).some((v) => "value" in objectAt(v)) },
    { shape: "a catalog entry with an array_value attribute", kind: "catalog_entries" as const, test: (r: JsonObject) => Object.values(objectAt(r["attribute_values"])).some((v) => "array_value" in objectAt(v)) },
    { shape: "an inactive user", kind: "users" as const, test: (r: JsonObject) => r["is_active"] === false },
    { shape: "an alert source with a secret_token", kind: "alert_sources" as const, test: (r: JsonObject) => typeof r["secret_token"] === "string" },
  ])("include $shape even at the tiny scale", ({ kind, test }) => {
    expect(everything(tiny, kind).some(test)).toBe(true);
  });

  const lead = (incident: JsonObject): JsonObject | undefined => roleTypes(incident).find((a) => objectAt(a["role"])["role_type"] === "lead");
  it.each([
    { shape: "incidents without severity", kind: "incidents" as const, rule: lacksSeverity, test: (r: JsonObject) => !("severity" in r) },
    { shape: "incidents with an unassigned lead", kind: "incidents" as const, rule: hasUnassignedLead, test: (r: JsonObject) => !("assignee" in (lead(r) ?? {})) },
    { shape: "test incidents", kind: "incidents" as const, rule: (i: number) => incidentModeAt(i) === "test", test: (r: JsonObject) => r["mode"] === "test" },
    { shape: "tutorial incidents", kind: "incidents" as const, rule: (i: number) => incidentModeAt(i) === "tutorial", test: (r: JsonObject) => r["mode"] === "tutorial" },
    { shape: "alerts without Priority", kind: "alerts" as const, rule: alertLacksPriority, test: (r: JsonObject) => priorityOf(r) === undefined },
    { shape: "alerts with an array-valued Priority", kind: "alerts" as const, rule: hasArrayPriority, test: (r: JsonObject) => priorityOf(r)?.["array_value"] !== undefined },
    { shape: "follow-ups without priority", kind: "follow_ups" as const, rule: followUpLacksPriority, test: (r: JsonObject) => !("priority" in r) },
    { shape: "schedules without current_shifts", kind: "schedules" as const, rule: lacksCurrentShifts, test: (r: JsonObject) => !("current_shifts" in r) },
    { shape: "inactive users", kind: "users" as const, rule: (i: number) => !isUserActiveByDefault(i), test: (r: JsonObject) => r["is_active"] === false },
  ])("make $shape a predictable share of the records", ({ kind, rule, test }) => {
    const records = everything(demo, kind);
    const predicted = Array.from({ length: records.length }, (_, index) => index).filter(rule).length;
    expect(predicted).toBeGreaterThan(0);
    expect(records.filter(test)).toHaveLength(predicted);
  });

  it("include follow-ups of test and tutorial incidents, hidden by default", () => {
    const hidden = ["test", "tutorial"].map((incidentMode) => tiny.count("follow_ups", { incidentMode }));
    expect(hidden.every((count) => count > 0)).toBe(true);
    expect(tiny.count("follow_ups")).toBe(tiny.counts.follow_ups - hidden[0]! - hidden[1]!);
  });
});

describe("references between records", () => {
  const exists = (kind: IncidentIoKind) => (id: JsonValue | undefined) => expect(demo.get(kind, String(id)), `${kind} ${String(id)}`).toBeDefined();
  const ids = (values: JsonValue | undefined): JsonValue[] => listAt(values ?? []).map((value) => objectAt(value)["id"] ?? null);

  it("point incidents at existing users, severities, teams and catalog entries", () => {
    for (const incident of everything(demo, "incidents")) {
      for (const assignment of listAt(incident["incident_role_assignments"]).map(objectAt)) if (assignment["assignee"]) exists("users")(objectAt(assignment["assignee"])["id"]);
      const creator = objectAt(incident["creator"]);
      if (creator["user"]) exists("users")(objectAt(creator["user"])["id"]);
      if (creator["alert"]) exists("alerts")(objectAt(creator["alert"])["id"]);
      if (incident["severity"]) exists("severities")(objectAt(incident["severity"])["id"]);
      listAt(incident["team_ids"]).forEach(exists("teams"));
      collect(incident, (key, value) => key === "value_catalog_entry" && exists("catalog_entries")(objectAt(value)["id"]));
    }
  });

  it("point alerts at existing alert sources and catalog entries", () => {
    for (const alert of everything(demo, "alerts")) {
      exists("alert_sources")(alert["alert_source_id"]);
      collect(alert, (key, value) => key === "catalog_entry" && exists("catalog_entries")(objectAt(value)["id"]));
    }
  });

  it("point follow-ups at existing incidents, users and teams, created after their incident", () => {
    for (const followUp of everything(demo, "follow_ups")) {
      const incident = demo.get("incidents", String(followUp["incident_id"]));
      expect(incident).toBeDefined();
      expect(Date.parse(String(followUp["created_at"]))).toBeGreaterThanOrEqual(Math.floor(Date.parse(String(incident?.["created_at"])) / 1000) * 1000);
      if (followUp["assignee"]) exists("users")(objectAt(followUp["assignee"])["id"]);
      if (followUp["assignee_team"]) exists("teams")(objectAt(followUp["assignee_team"])["id"]);
      exists("users")(objectAt(objectAt(followUp["creator"])["user"])["id"]);
    }
  });

  it("point schedules, teams and alert sources at existing users and teams", () => {
    for (const schedule of everything(demo, "schedules")) {
      listAt(schedule["team_ids"]).forEach(exists("teams"));
      for (const shift of listAt(schedule["current_shifts"] ?? []).map(objectAt)) if (shift["user"]) exists("users")(objectAt(shift["user"])["id"]);
    }
    for (const team of everything(demo, "teams")) ids(team["members"]).forEach(exists("users"));
    for (const source of everything(demo, "alert_sources")) listAt(source["owning_team_ids"]).forEach(exists("teams"));
  });

  it("key catalog entries' attribute_values by their own type's schema attribute IDs", () => {
    for (const entry of everything(demo, "catalog_entries")) {
      const type = demo.get("catalog_types", String(entry["catalog_type_id"]));
      const attributeIds = ids(objectAt(type?.["schema"])["attributes"]);
      expect(attributeIds).toEqual(expect.arrayContaining(Object.keys(objectAt(entry["attribute_values"]))));
    }
  });

  it("spread entries over catalog types in the configured counts", () => {
    const types = everything(demo, "catalog_types").map((type) => demo.count("catalog_entries", { catalogTypeId: String(type["id"]) }));
    expect(types).toEqual([64, 58, 71, 47]);
  });
});

describe("default filters", () => {
  it.each([
    { name: "inactive users are hidden", kind: "users" as const, options: {}, expected: 36 },
    { name: "include_inactive shows every user", kind: "users" as const, options: { includeInactive: true }, expected: 40 },
    { name: "test and tutorial incidents are hidden", kind: "incidents" as const, options: {}, expected: 108 },
    { name: "mode[one_of] picks modes", kind: "incidents" as const, options: { modes: ["test"] }, expected: 6 },
    { name: "every mode lists every incident", kind: "incidents" as const, options: ALL_MODES, expected: 120 },
  ])("$name", ({ kind, options, expected }) => {
    expect(demo.count(kind, options)).toBe(expected);
    expect([...demo.records(kind, options)]).toHaveLength(expected);
  });

  it("hides follow-ups of test and tutorial incidents unless incident_mode names their mode", () => {
    const modeOf = (followUp: JsonObject): string => String(demo.get("incidents", String(followUp["incident_id"]))?.["mode"]);
    const visible = [...demo.records("follow_ups")];
    expect(visible.map(modeOf).every((mode) => mode === "standard" || mode === "retrospective")).toBe(true);
    expect(visible.length).toBe(demo.count("follow_ups"));
    const ofTests = [...demo.records("follow_ups", { incidentMode: "test" })];
    expect(ofTests.length).toBeGreaterThan(0);
    expect(ofTests.map(modeOf).every((mode) => mode === "test")).toBe(true);
  });

  it("lists incidents updated on or after the day of updated_at[gte]", () => {
    const all = everything(demo, "incidents");
    const pivot = String(all[40]?.["updated_at"]);
    const day = pivot.slice(0, 10);
    const expected = all.filter((incident) => String(incident["updated_at"]).slice(0, 10) >= day && ["standard", "retrospective"].includes(String(incident["mode"])));
    expect([...demo.records("incidents", { updatedAtGte: pivot })].map((incident) => incident["id"])).toEqual(expected.map((incident) => incident["id"]));
  });

  it("lists follow-ups updated at or after the exact instant of updated_at[gte]", () => {
    const visible = [...demo.records("follow_ups")];
    const pivot = String(visible[50]?.["updated_at"]);
    const expected = visible.filter((followUp) => Date.parse(String(followUp["updated_at"])) >= Date.parse(pivot));
    expect(demo.count("follow_ups", { updatedAtGte: pivot })).toBe(expected.length);
    expect(expected.length).toBeLessThan(visible.length);
  });
});

describe("mutations", () => {
  const fresh = (): IncidentIoDataset => createIncidentIoDataset({ seed: 3, scale: "tiny" });

  it("updates fields and moves updated_at to now", () => {
    const dataset = fresh();
    const id = dataset.idAt("incidents", 0);
    const before = Date.now();
    const updated = dataset.update("incidents", id, { name: "Renamed" });
    expect(updated["name"]).toBe("Renamed");
    expect(Date.parse(String(updated["updated_at"]))).toBeGreaterThanOrEqual(before);
    expect(dataset.get("incidents", id)?.["name"]).toBe("Renamed");
    expect(dataset.count("incidents", { updatedAtGte: new Date(before).toISOString() })).toBe(1);
  });

  it("shows a renamed user inside the incidents that embed them", () => {
    const dataset = fresh();
    const incident = [...dataset.records("incidents")].find((record) => objectAt(listAt(record["incident_role_assignments"])[0])["assignee"]);
    const userId = String(objectAt(objectAt(listAt(incident?.["incident_role_assignments"])[0])["assignee"])["id"]);
    dataset.update("users", userId, { name: "New Name" });
    const lead = objectAt(listAt(dataset.get("incidents", String(incident?.["id"]))?.["incident_role_assignments"])[0]);
    expect(objectAt(lead["assignee"])["name"]).toBe("New Name");
  });

  it("hides an incident switched to test mode, and a deactivated user", () => {
    const dataset = fresh();
    const incidents = dataset.count("incidents");
    const users = dataset.count("users");
    dataset.update("incidents", dataset.idAt("incidents", 0), { mode: "test" });
    dataset.update("users", dataset.idAt("users", 0), { is_active: false });
    expect(dataset.count("incidents")).toBe(incidents - 1);
    expect(dataset.count("users")).toBe(users - 1);
  });

  it("removes a record from lists and lookups, and refuses to change it afterwards", () => {
    const dataset = fresh();
    const id = dataset.idAt("alerts", 3);
    dataset.remove("alerts", id);
    expect(dataset.count("alerts")).toBe(29);
    expect([...dataset.records("alerts")].map((alert) => alert["id"])).not.toContain(id);
    expect(dataset.get("alerts", id)).toBeUndefined();
    expect(() => dataset.update("alerts", id, { title: "x" })).toThrow(RangeError);
  });

  it("adds records after the generated ones, newest incident first", () => {
    const dataset = fresh();
    const alert = dataset.add("alerts", { title: "Added" });
    const incident = dataset.add("incidents");
    expect([...dataset.records("alerts")].at(-1)).toEqual(alert);
    expect([...dataset.records("incidents")][0]).toEqual(incident);
    expect(String(alert["id"]) > dataset.idAt("alerts", 29)).toBe(true);
    expect(Date.parse(String(alert["created_at"]))).toBeGreaterThan(Date.parse("2026-01-01"));
  });

  it("adds a catalog entry to the named type only", () => {
    const dataset = fresh();
    const second = dataset.idAt("catalog_types", 1);
    const entry = dataset.add("catalog_entries", { catalog_type_id: second, name: "new-service" });
    expect(entry["catalog_type_id"]).toBe(second);
    expect(dataset.count("catalog_entries", { catalogTypeId: second })).toBe(7);
    expect(dataset.count("catalog_entries", { catalogTypeId: dataset.idAt("catalog_types", 0) })).toBe(8);
    expect([...dataset.records("catalog_entries", { catalogTypeId: second })].at(-1)?.["name"]).toBe("new-service");
  });

  it.each([
    { name: "an unknown ID", act: (dataset: IncidentIoDataset) => dataset.update("users", "01H00000000000000000000000", { name: "x" }) },
    { name: "a changed ID", act: (dataset: IncidentIoDataset) => dataset.update("users", dataset.idAt("users", 0), { id: "x" }) },
    { name: "an ID for an added record", act: (dataset: IncidentIoDataset) => dataset.add("users", { id: "x" }) },
    { name: "an entry for an unknown type", act: (dataset: IncidentIoDataset) => dataset.add("catalog_entries", { catalog_type_id: "nope" }) },
  ])("refuses $name", ({ act }) => {
    expect(() => act(fresh())).toThrow(RangeError);
  });
});
