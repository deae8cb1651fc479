import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireAlert, refireAlert, resolveAlert } from "../../../src/sandbox/incidentio/alert-lifecycle";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import { INCIDENTIO_SPEC, loadOpenApiValidator } from "../../helpers/openapi-validator";

type Query = Record<string, string>;

const spec = loadOpenApiValidator(INCIDENTIO_SPEC);
const MAX_PAGES = 100;
const DAY_MS = 86_400_000;

let sandbox: IncidentIoSandbox;
beforeAll(async () => {
  sandbox = await startIncidentIoSandbox({ seed: 5, openAlerts: "few", scale: { users: 5, alert_sources: 3, schedules: 2, alerts: 600, incidents: 5, catalog_types: 1, catalog_entries: 4, severities: 2, teams: 2, follow_ups: 3 } });
});
afterAll(() => sandbox.close());

async function get(path: string, query: Query = {}): Promise<{ status: number; body: JsonObject }> {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(`${sandbox.baseUrl}${path}${search === "" ? "" : `?${search}`}`, { headers: { authorization: `Bearer ${sandbox.token}` } });
  return { status: response.status, body: (await response.json()) as JsonObject };
}

/** Every alert the list answers with `query`, page by page, each page checked against `Alerts V2#List`. */
async function listAlerts(query: Query = {}): Promise<JsonObject[]> {
  const alerts: JsonObject[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await get("/v2/alerts", { page_size: "50", ...query, ...(after === undefined ? {} : { after }) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    // The only deviation allowed is the unknown status of quirky alerts (the API's compatibility policy).
    expect(spec.response("GET", "/v2/alerts", 200, answer.body).filter((error) => !/^\/alerts\/\d+\/status must be equal to one of/.test(error))).toEqual([]);
    const items = answer.body["alerts"] as JsonObject[];
    alerts.push(...items);
    after = (answer.body["pagination_meta"] as JsonObject)["after"] as string | undefined;
    if (after === undefined || items.length === 0) return alerts;
  }
  throw new Error("the alert list did not stop paging");
}

const idsOf = (alerts: readonly JsonObject[]) => alerts.map((alert) => String(alert["id"]));
const createdMs = (alert: JsonObject) => Date.parse(String(alert["created_at"]));

describe("the sandbox's alert list filters, as Alerts V2#List documents them", () => {
  it("status[one_of] and status[not_in] keep the alerts with (or without) those statuses, and only a small share is open", async () => {
    const all = await listAlerts();
    const firing = await listAlerts({ "status[one_of]": "firing" });
    const open = await listAlerts({ "status[not_in]": "resolved" });
    expect(idsOf(firing)).toEqual(idsOf(all.filter((alert) => alert["status"] === "firing")));
    expect(idsOf(open)).toEqual(idsOf(all.filter((alert) => alert["status"] !== "resolved")));
    expect(firing.length).toBeGreaterThan(0);
    // Besides firing ones, the open set holds the quirky alerts whose status the published enum lacks.
    expect(open.some((alert) => alert["status"] !== "firing")).toBe(true);
    expect(open.length / all.length).toBeLessThan(0.05);
    for (const alert of all) expect("resolved_at" in alert).toBe(alert["status"] === "resolved");
  });

  it("created_at[gte] and created_at[lte] compare by UTC day: a timestamp counts as its day's midnight", async () => {
    const all = await listAlerts();
    const middle = all[Math.floor(all.length / 2)] as JsonObject;
    const day = String(middle["created_at"]).slice(0, 10);
    const midnight = Date.parse(`${day}T00:00:00Z`);
    const onOrAfter = idsOf(all.filter((alert) => createdMs(alert) >= midnight));
    expect(idsOf(await listAlerts({ "created_at[gte]": day }))).toEqual(onOrAfter);
    expect(idsOf(await listAlerts({ "created_at[gte]": `${day}T23:59:59Z` }))).toEqual(onOrAfter);
    expect(idsOf(await listAlerts({ "created_at[lte]": day }))).toEqual(idsOf(all.filter((alert) => createdMs(alert) <= midnight)));
    const bad = await get("/v2/alerts", { page_size: "50", "created_at[gte]": "yesterday" });
    expect(bad.status).toBe(422);
  });

  it("filters combine: created since a day and still open", async () => {
    const all = await listAlerts();
    const day = String((all[Math.floor(all.length / 3)] as JsonObject)["created_at"]).slice(0, 10);
    const midnight = Date.parse(`${day}T00:00:00Z`);
    const both = await listAlerts({ "created_at[gte]": day, "status[one_of]": "firing" });
    expect(idsOf(both)).toEqual(idsOf(all.filter((alert) => createdMs(alert) >= midnight && alert["status"] === "firing")));
  });
});

describe("the sandbox's GET /v2/alerts/{id} (Alerts V2#Show)", () => {
  it("answers {alert} as listed, and 404 for a deleted or unknown ID", async () => {
    const [first, second] = await listAlerts();
    const shown = await get(`/v2/alerts/${String(first?.["id"])}`);
    expect(shown.status).toBe(200);
    expect(spec.response("GET", "/v2/alerts/{id}", 200, shown.body).filter((error) => !/^\/alert\/status must be equal/.test(error))).toEqual([]);
    expect(shown.body["alert"]).toEqual(first);
    sandbox.dataset.remove("alerts", String(second?.["id"]));
    expect((await get(`/v2/alerts/${String(second?.["id"])}`)).status).toBe(404);
    expect((await get("/v2/alerts/01NOTANALERT0000000000000")).status).toBe(404);
  });
});

describe("alert lifecycle mutations", () => {
  it("a resolution moves status, resolved_at and updated_at together; a re-fire is a new firing alert with the same key, created now", async () => {
    const fired = fireAlert(sandbox.dataset, { title: "Disk full on db-9" });
    const id = String(fired["id"]);
    expect(fired["status"]).toBe("firing");
    expect("resolved_at" in fired).toBe(false);
    const today = new Date().toISOString().slice(0, 10);
    expect(idsOf(await listAlerts({ "created_at[gte]": today }))).toContain(id);
    expect(idsOf(await listAlerts({ "status[one_of]": "firing" }))).toContain(id);

    const resolved = resolveAlert(sandbox.dataset, id);
    expect(resolved["status"]).toBe("resolved");
    expect(resolved["resolved_at"]).toBe(resolved["updated_at"]);
    expect(Date.parse(String(resolved["updated_at"]))).toBeGreaterThan(Date.parse(String(fired["updated_at"])) - 1);
    expect(idsOf(await listAlerts({ "status[one_of]": "firing" }))).not.toContain(id);
    expect((await get(`/v2/alerts/${id}`)).body["alert"]).toEqual(resolved);

    const again = refireAlert(sandbox.dataset, id);
    expect(again["id"]).not.toBe(id);
    expect(again["deduplication_key"]).toBe(resolved["deduplication_key"]);
    expect(again["title"]).toBe("Disk full on db-9");
    expect(again["status"]).toBe("firing");
    expect(Math.abs(createdMs(again) - Date.now())).toBeLessThan(DAY_MS);
    const open = idsOf(await listAlerts({ "status[not_in]": "resolved" }));
    expect(open).toContain(again["id"]);
    expect(open).not.toContain(id);
  });
});
