import { describe, expect, it, onTestFinished } from "vitest";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import { startIncidentIoSandbox } from "../../../src/sandbox/incidentio/server";

// The follow-up lists take `incident_id`, as the real API's do (reference: /v2/follow_ups and
// /v3/follow_ups): serve finds one follow-up among its incident's few, not in the whole list.

async function list(baseUrl: string, token: string, path: string, query: Record<string, string>): Promise<JsonObject[]> {
  const response = await fetch(`${baseUrl}${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { follow_ups: JsonObject[] }).follow_ups;
}

describe("the Incident.io sandbox's follow-up lists", () => {
  it.each(["/v3/follow_ups", "/v2/follow_ups"])("%s lists only the incident's follow-ups under incident_id, hidden modes still hidden", async (path) => {
    const sandbox = await startIncidentIoSandbox({ seed: 4, scale: "demo" });
    onTestFinished(() => sandbox.close());
    const all = [...sandbox.dataset.records("follow_ups")];
    const incidentId = all[0]?.["incident_id"] as string;
    const expected = all.filter((followUp) => followUp["incident_id"] === incidentId).map((followUp) => followUp["id"]);
    expect(expected.length).toBeGreaterThan(0);
    const listed = await list(sandbox.baseUrl, sandbox.token, path, { incident_id: incidentId, page_size: "250" });
    expect(listed.map((followUp) => followUp["id"])).toEqual(expected);
    expect(await list(sandbox.baseUrl, sandbox.token, path, { incident_id: "01NOSUCHINCIDENT000000000", page_size: "250" })).toEqual([]);
  });
});
