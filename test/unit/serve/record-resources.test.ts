import { describe, expect, it } from "vitest";
import type { ResourceMapping } from "../../../src/model/mapping";
import type { WebhookResource } from "../../../src/model/webhook";
import { decideAppliedOutcome, findMappedResource } from "../../../src/serve/record-resources";

const resource = (kind: string, pathParameters: readonly unknown[] = []) => ({ kind, selector: { pathParameters } }) as unknown as ResourceMapping;

describe("findMappedResource", () => {
  it.each<{ name: string; resource: WebhookResource; kinds: ResourceMapping[]; expected: string | undefined }>([
    { name: "incidents from /v2/incidents", resource: "incident", kinds: [resource("/v2/users"), resource("/v2/incidents")], expected: "/v2/incidents" },
    { name: "alerts from /v2/alerts", resource: "alert", kinds: [resource("/v2/alerts")], expected: "/v2/alerts" },
    { name: "schedules from a kind with a query", resource: "schedule", kinds: [resource("/v2/schedules?page_size=10")], expected: "/v2/schedules?page_size=10" },
    { name: "follow-ups from /v3 before /v2", resource: "follow_up", kinds: [resource("/v2/follow_ups"), resource("/v3/follow_ups")], expected: "/v3/follow_ups" },
    { name: "follow-ups from /v2 alone", resource: "follow_up", kinds: [resource("/v2/follow_ups")], expected: "/v2/follow_ups" },
    { name: "nothing when no kind reads them", resource: "schedule", kinds: [resource("/v2/incidents")], expected: undefined },
    { name: "nothing from a kind read per parent", resource: "incident", kinds: [resource("/v2/incidents", [{ name: "x" }])], expected: undefined },
  ])("finds $name", ({ resource: webhook, kinds, expected }) => {
    expect(findMappedResource(webhook, kinds)?.kind).toBe(expected);
  });
});

describe("decideAppliedOutcome", () => {
  it.each([
    { name: "applied for a staged record", read: { state: "staged" as const }, load: { writes: 1 }, expected: { state: "applied", writes: 1 } },
    { name: "applied for a record its list hides", read: { state: "unlisted" as const }, load: { writes: 0 }, expected: { state: "applied", writes: 0 } },
    { name: "deleted for a record the API confirmed gone", read: { state: "gone" as const }, load: { writes: 1 }, expected: { state: "deleted", writes: 1 } },
    { name: "retry for a failed read", read: { state: "failed" as const, error: "GET /v2/incidents/1: 500" }, load: undefined, expected: { state: "retry", error: "GET /v2/incidents/1: 500" } },
    { name: "retry for a failed load", read: { state: "staged" as const }, load: { error: "Port could not be reached" }, expected: { state: "retry", error: "Port could not be reached" } },
    { name: "retry for a record not loaded", read: { state: "staged" as const }, load: undefined, expected: { state: "retry", error: "the record was not loaded" } },
  ])("says $name", ({ read, load, expected }) => {
    expect(decideAppliedOutcome(read, load)).toEqual(expected);
  });
});
