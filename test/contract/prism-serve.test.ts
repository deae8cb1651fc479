import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoSandboxes, type DemoSandboxes } from "../../src/pipeline/demo";
import { runCli, startCli, type CliProcess } from "../helpers/cli-process";
import { INCIDENTIO_SPEC } from "../helpers/openapi-validator";
import { postWebhook } from "../helpers/signed-webhook";
import { queryStagingFile } from "../helpers/sync-world";
import { makeTempDir } from "../helpers/temp-dir";
import { deletesSince, expectNoRequestViolations } from "./outcome";
import { prismOrSkip, startPrismForSuite, type PrismStart } from "./prism-server";

// `etl serve` reading the records its events name from Prism, which serves Incident.io's published spec
// (its examples: an id it was not asked for, fields our sandbox never sends), over a staging file synced
// with our sandboxes. Prism checks serve's reads against the spec, and the answers check that serve stages
// and pushes what the real API would answer, without deleting anything.

const SECRET = `whsec_${Buffer.from("serve against Prism signing key").toString("base64")}`;
// The private variants carry only the id: serve must read every record from the API.
const EVENTS = [
  { type: "private_incident.incident_updated_v2", id: "01FDAG4SAP5TYPT98WGR2N7W91", route: "/v2/incidents/01FDAG4SAP5TYPT98WGR2N7W91" },
  { type: "private_alert.alert_created_v1", id: "01GW2G3V0S59R238FAHPDS1R66", route: "/v2/alerts/01GW2G3V0S59R238FAHPDS1R66" },
  { type: "schedule.updated_v1", id: "01G0J1EXE7AXZ2C93K61WBPYEH", route: "/v2/schedules/01G0J1EXE7AXZ2C93K61WBPYEH" },
] as const;
const APPLY_WAIT_MS = 60_000;

describe("etl serve against Prism serving Incident.io's published spec", () => {
  let started: PrismStart | undefined;
  let sandboxes: DemoSandboxes | undefined;
  let serve: CliProcess | undefined;

  beforeAll(async () => {
    started = await startPrismForSuite({ spec: INCIDENTIO_SPEC });
  }, 120_000);

  afterAll(async () => {
    serve?.child.kill("SIGKILL");
    await serve?.done;
    await sandboxes?.close();
    if (started?.ok) await started.prism.close();
  });

  it("reads each event's record by id with requests the spec accepts, stages and pushes it, and deletes nothing", async (ctx) => {
    const prism = prismOrSkip(started, ctx);
    sandboxes = await startDemoSandboxes();
    const db = join(makeTempDir("etl-prism-serve-"), "etl.sqlite");
    const synced = await runCli(["run"], { ...sandboxes.env, ETL_DB: db }, 120_000);
    expect(synced.code, synced.stderr).toBe(0);
    const portBefore = sandboxes.port.requests.length;

    serve = startCli(["serve"], { ...sandboxes.env, ETL_DB: db, OCEAN__INTEGRATION__CONFIG__BASE_URL: prism.baseUrl, ETL_WEBHOOK_SECRET: SECRET, ETL_SERVE_HOST: "127.0.0.1", ETL_SERVE_PORT: "0" }, 150_000);
    await serve.waitForStdout(/serve: listening on http:\/\/\S+/);
    const url = /serve: listening on (http:\/\/\S+)/.exec(serve.stdout())?.[1] as string;
    for (const [index, event] of EVENTS.entries()) expect(await postWebhook(url, SECRET, `msg_prism_${index}`, event.type, { id: event.id })).toBe(200);

    const pending = () => queryStagingFile<{ n: number }>(db, "SELECT count(*) AS n FROM webhook_inbox WHERE state = 'pending'")[0]?.n;
    await expect.poll(pending, { timeout: APPLY_WAIT_MS, interval: 250 }).toBe(0);

    expectNoRequestViolations(prism);
    const reads = prism.requests().map((request) => request.path);
    for (const event of EVENTS) expect(reads).toContain(event.route);
    const staged = queryStagingFile<{ kind: string; record_id: string }>(db, "SELECT kind, record_id FROM raw_records WHERE record_id IN (?, ?, ?)", ...EVENTS.map((event) => event.id));
    expect(staged.map((row) => row.record_id).sort()).toEqual(EVENTS.map((event) => event.id).sort());
    // The examples answer 200 for every id: nothing is confirmed gone, so nothing may be deleted.
    expect(deletesSince(sandboxes.port, portBefore)).toEqual([]);
    expect(sandboxes.port.entity("incidentioIncident", "01FDAG4SAP5TYPT98WGR2N7W91")).toBeDefined();

    serve.child.kill("SIGTERM");
    const ended = await serve.done;
    expect(ended.code, ended.stderr).toBe(0);
    expect(`${ended.stdout}${ended.stderr}`).not.toContain(SECRET);
  }, 240_000);
});
