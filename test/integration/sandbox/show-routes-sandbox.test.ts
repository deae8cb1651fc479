import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../../../src/sandbox/incidentio/server";
import { INCIDENTIO_SPEC, loadOpenApiValidator } from "../../helpers/openapi-validator";

const spec = loadOpenApiValidator(INCIDENTIO_SPEC);
let sandbox: IncidentIoSandbox;

beforeAll(async () => {
  sandbox = await startIncidentIoSandbox({ seed: 3, scale: "tiny" });
});
afterAll(() => sandbox.close());

async function show(path: string): Promise<{ status: number; body: JsonObject }> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${sandbox.token}` } });
  return { status: response.status, body: (await response.json()) as JsonObject };
}

describe("the sandbox's Show endpoints, which serve reads a record by after a webhook", () => {
  it.each([
    { template: "/v2/incidents/{id}", kind: "incidents", envelope: "incident", index: 0 },
    { template: "/v2/schedules/{id}", kind: "schedules", envelope: "schedule", index: 0 },
    { template: "/v2/follow_ups/{id}", kind: "follow_ups", envelope: "follow_up", index: 0 },
    { template: "/v2/alerts/{id}", kind: "alerts", envelope: "alert", index: 0 },
  ] as const)("answers GET $template with the record as the spec describes, and 404 once it is deleted", async ({ template, kind, envelope, index }) => {
    const id = sandbox.dataset.idAt(kind, index);
    const path = template.replace("{id}", id);
    const found = await show(path);
    expect(found.status).toBe(200);
    expect((found.body[envelope] as JsonObject)["id"]).toBe(id);
    expect(spec.response("GET", template, 200, found.body)).toEqual([]);

    sandbox.dataset.remove(kind, id);
    const gone = await show(path);
    expect(gone.status).toBe(404);
    expect(gone.body["type"]).toBe("not_found");
    expect((await show(template.replace("{id}", "01ABCDEFGHJKMNPQRSTVWXYZ00"))).status).toBe(404);
  });

  it("shows a test incident that the incident list hides, as the real API does", async () => {
    const hidden = sandbox.dataset.records("incidents", { modes: ["test"] }).next().value as JsonObject;
    const found = await show(`/v2/incidents/${String(hidden["id"])}`);
    expect(found.status).toBe(200);
    expect((found.body["incident"] as JsonObject)["mode"]).toBe("test");
  });

  it("drops the follow-up's v3-only category, as the v2 list does", async () => {
    const withCategory = [...sandbox.dataset.records("follow_ups")].find((followUp) => "category" in followUp) as JsonObject;
    const found = await show(`/v2/follow_ups/${String(withCategory["id"])}`);
    expect(found.body["follow_up"]).not.toHaveProperty("category");
  });
});
