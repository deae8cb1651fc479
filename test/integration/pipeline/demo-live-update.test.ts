import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main";
import { readConfig } from "../../../src/config/read-config";
import { COMMANDS } from "../../../src/pipeline/commands";
import { startDemoSandboxes, type DemoSandboxes } from "../../../src/pipeline/demo";
import { makeTempDir } from "../../helpers/temp-dir";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await sandboxes?.close();
  sandboxes = undefined;
});

function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

describe("the demo's live update", () => {
  it("applies one incident's status change to Port through serve's webhook, with no run, and says how long it took", async () => {
    sandboxes = await startDemoSandboxes();
    const env = { ...sandboxes.env, ETL_DB: join(makeTempDir("etl-demo-live-"), "demo.sqlite"), PATH: process.env["PATH"] ?? "", ...(process.env["JQ_PATH"] ? { JQ_PATH: process.env["JQ_PATH"] } : {}) };
    expect(await main(["run"], { env, cwd: ROOT, stdout: sink(), stderr: sink() }, new AbortController().signal)).toBe(0);
    const config = readConfig({ env, flags: {}, cwd: ROOT }, COMMANDS.demo.needs);
    const incident = sandboxes.incidentIo.dataset.records("incidents").next().value as { id: string; reference: string };
    const writesBefore = sandboxes.port.writes.length;
    const requestsBefore = sandboxes.incidentIo.requests.length;

    const started = Date.now();
    const lines = await sandboxes.showLiveUpdate(config, new AbortController().signal);

    expect(lines.at(-1)).toMatch(new RegExp(`^Live: ${incident.reference} status → Closed reached Port \\d+\\.\\d s after Incident.io sent it \\(webhook, no run\\)$`));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sandboxes.port.entity("incidentioIncident", incident.id)?.properties["statusName"]).toBe("Closed");
    // One entity written, and Incident.io read by ID only: no list was read, so no run happened.
    expect(sandboxes.port.writes.slice(writesBefore).map((write) => `${write.op} ${write.blueprint}/${write.identifier}`)).toEqual([`upsert incidentioIncident/${incident.id}`]);
    const paths = sandboxes.incidentIo.requests.slice(requestsBefore).map((request) => request.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((path) => path.startsWith("/v2/incidents/"))).toBe(true);
    const counters = sandboxes.incidentIo.webhooks.counters;
    expect(counters).toMatchObject({ sent: 2, delivered: 2, gaveUp: 0, pending: 0 });
  }, 120_000);
});
