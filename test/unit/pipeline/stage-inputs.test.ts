import { describe, expect, it } from "vitest";
import type { Config } from "../../../src/model/config";
import { buildLoadInput, NO_FLAGS, type LoadRequest } from "../../../src/pipeline/stage-inputs";

const config = {
  port: { baseUrl: "https://api.port.io" },
  network: { verifyTls: true },
  integration: { identifier: "incidentio-port-etl", type: "custom" },
  mapping: { resources: [] },
  blueprints: [],
  initializePortResources: true,
  sendRawDataExamples: true,
  reconcileEveryHours: 24,
} as unknown as Config;

const request = (overrides: Partial<LoadRequest>): LoadRequest => ({ runId: 7, resources: [], flags: NO_FLAGS, reconcile: false, dryRun: false, mayInitialize: true, ...overrides });

describe("buildLoadInput", () => {
  it.each([
    { name: "a run initializes Port as configured", request: request({}), expected: { initializePortResources: true, sendRawDataExamples: true, dryRun: false } },
    { name: "a plan is a dry run", request: request({ dryRun: true }), expected: { initializePortResources: true, sendRawDataExamples: true, dryRun: true } },
    { name: "status's preview initializes nothing", request: request({ dryRun: true, mayInitialize: false }), expected: { initializePortResources: false, sendRawDataExamples: false, dryRun: true } },
  ])("$name", ({ request, expected }) => {
    expect(buildLoadInput(config, request)).toMatchObject(expected);
  });

  it("takes the run's flags and the request's reconcile, and the rest from the configuration", () => {
    const flags = { ...NO_FLAGS, allowMassDelete: true, fullRefresh: true, deleteRemovedResources: true };
    const input = buildLoadInput(config, request({ flags, reconcile: true }));
    expect(input).toMatchObject({ runId: 7, allowMassDelete: true, fullRefresh: true, deleteRemovedResources: true, reconcile: true, reconcileEveryHours: 24 });
    expect(input.userAgent).toMatch(/^incidentio-port-etl\/\S+ \(integration incidentio-port-etl\)$/);
  });
});
