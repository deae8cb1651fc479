import { describe, expect, it } from "vitest";
import { parseLiveChange, parseWebhookOptions } from "../../../../src/sandbox/incidentio/control-routes";

describe("parseLiveChange", () => {
  it.each<{ body: unknown; change: unknown }>([
    { body: { type: "incident-status" }, change: { type: "incident-status" } },
    { body: { type: "incident-status", id: "inc", status: "Closed" }, change: { type: "incident-status", id: "inc", status: "Closed" } },
    { body: { type: "schedule-delete", id: "sc" }, change: { type: "schedule-delete", id: "sc" } },
    { body: { type: "alert-resolve" }, change: { type: "alert-resolve" } },
    { body: { type: "follow-up-create", incidentId: "inc" }, change: { type: "follow-up-create", incidentId: "inc" } },
    { body: { type: "alert-fire", id: "ignored" }, change: { type: "alert-fire" } },
    { body: { type: "schedule-update", status: "ignored" }, change: { type: "schedule-update" } },
  ])("$body → $change", ({ body, change }) => {
    expect(parseLiveChange(body)).toEqual(change);
  });

  it.each<{ body: unknown; error: string }>([
    { body: undefined, error: "the body must be a JSON object" },
    { body: [], error: "the body must be a JSON object" },
    { body: { type: "incident-delete" }, error: "type must be one of incident-status, incident-rename" },
    { body: { type: "incident-status", id: 12 }, error: "id must be a non-empty string" },
    { body: { type: "incident-status", status: "" }, error: "status must be a non-empty string" },
  ])("refuses $body: $error", ({ body, error }) => {
    const parsed = parseLiveChange(body);
    expect(parsed).toBeInstanceOf(Error);
    expect((parsed as Error).message).toContain(error);
  });
});

describe("parseWebhookOptions", () => {
  const valid = { url: "http://127.0.0.1:8080/webhooks/incidentio", secret: "whsec_c2VjcmV0" };
  it("takes a URL, a whsec_ secret and the sender's options as they are", () => {
    const options = { ...valid, redelivery: { scale: 0.01 }, knobs: { duplicates: 0.5 }, concurrency: 2, seed: 9, privateAlerts: true };
    expect(parseWebhookOptions(options)).toEqual(options);
  });

  it.each<{ body: unknown; error: string }>([
    { body: "x", error: "the body must be a JSON object" },
    { body: { ...valid, url: "127.0.0.1:8080" }, error: "url must be an http(s) URL" },
    { body: { ...valid, secret: "hunter2" }, error: "secret must be the endpoint's whsec_" },
    { body: { ...valid, redelivery: 5 }, error: "redelivery must be an object" },
    { body: { ...valid, concurrency: "8" }, error: "concurrency must be a number" },
    { body: { ...valid, privateAlerts: "yes" }, error: "privateAlerts must be true or false" },
  ])("refuses $body: $error", ({ body, error }) => {
    const parsed = parseWebhookOptions(body);
    expect(parsed).toBeInstanceOf(Error);
    expect((parsed as Error).message).toContain(error);
  });
});
