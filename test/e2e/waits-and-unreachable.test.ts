import { describe, expect, it } from "vitest";
import { startCli } from "../helpers/cli-process";
import { startSyncWorld } from "../helpers/sync-world";
import { startLoopbackServer } from "../../src/sandbox/shared/loopback-server";

/** A 127.0.0.1 port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const server = await startLoopbackServer(() => undefined);
  await server.close();
  return server.port;
}

describe("a host the run cannot reach", () => {
  it.each([
    { name: "Incident.io on a closed port", variable: "OCEAN__INTEGRATION__CONFIG__BASE_URL", value: async () => `http://127.0.0.1:${await closedPort()}`, expected: /ECONNREFUSED: nothing accepts connections at 127\.0\.0\.1:\d+;.*OCEAN__INTEGRATION__CONFIG__BASE_URL/ },
    { name: "Incident.io on a name that never resolves", variable: "OCEAN__INTEGRATION__CONFIG__BASE_URL", value: async () => "https://api.incident.invalid", expected: /(ENOTFOUND|EAI_AGAIN): the host name of api\.incident\.invalid .*;.*OCEAN__INTEGRATION__CONFIG__BASE_URL/ },
    { name: "Port on a closed port", variable: "OCEAN__PORT__BASE_URL", value: async () => `http://127.0.0.1:${await closedPort()}`, expected: /ECONNREFUSED: nothing accepts connections at 127\.0\.0\.1:\d+;.*OCEAN__PORT__BASE_URL/ },
  ])("fails the run within 5 s for $name, naming the host and its setting", async ({ variable, value, expected }) => {
    const world = await startSyncWorld();
    const started = Date.now();
    const outcome = await world.cli(["run"], { [variable]: await value() });
    const elapsed = Date.now() - started;
    // The message is the point; whether the credential preflight or a stage reports it decides the code (2 or 1).
    expect(outcome.code).not.toBe(0);
    expect(outcome.stdout + outcome.stderr).toMatch(expected);
    expect(elapsed).toBeLessThan(5000);
  }, 30_000);
});

describe("a Retry-After beyond ETL_MAX_RETRY_WAIT_SECONDS", () => {
  it("fails the Incident.io kind at once and says why", async () => {
    const world = await startSyncWorld();
    world.incidentIo.faults.add({ route: "GET /v1/severities", times: 50, fault: { type: "status", status: 429, retryAfter: { seconds: 999999, form: "seconds" } } });
    const started = Date.now();
    const outcome = await world.cli(["run"]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/extract severities: .*GET \/v1\/severities: 429: .*the server asked to wait 999999 s, more than the ETL_MAX_RETRY_WAIT_SECONDS \(300 s a request\); not retried/);
  }, 30_000);

  it("fails Port's batches at once and says why", async () => {
    const world = await startSyncWorld();
    world.port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", times: 500, fault: { type: "status", status: 429, retryAfter: { seconds: 999999, form: "http-date" } } });
    const started = Date.now();
    const outcome = await world.cli(["run"]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout + outcome.stderr).toMatch(/the server asked to wait 100000\d s, more than the ETL_MAX_RETRY_WAIT_SECONDS \(300 s a request\)|the server asked to wait 99999\d s, more than the ETL_MAX_RETRY_WAIT_SECONDS \(300 s a request\)/);
  }, 30_000);
});

describe("SIGTERM during a long Retry-After", () => {
  it.each([
    { name: "Incident.io", route: "GET /v1/severities", on: "incidentIo" as const, waitLine: /429 from GET \/v1\/severities: waiting 600 s \(attempt 2 of 8\)/ },
    { name: "Port", route: "POST /v1/blueprints/*/entities/bulk", on: "port" as const, waitLine: /429 from POST \/v1\/blueprints\/[^/]+\/entities\/bulk: waiting 600 s \(attempt 2 of 8\)/ },
  ])("ends the run within 5 s while $name asks to wait 600 s", async ({ route, on, waitLine }) => {
    const world = await startSyncWorld();
    world[on].faults.add({ route, times: 50, fault: { type: "status", status: 429, retryAfter: { seconds: 600, form: "seconds" } } });
    const cli = startCli(["run"], { ...world.env, CI: "true", ETL_MAX_RETRY_WAIT_SECONDS: "3600" }, 60_000);
    await cli.waitForStdout(waitLine, 1, 45_000);
    const signalled = Date.now();
    cli.child.kill("SIGTERM");
    const result = await cli.done;
    const elapsed = Date.now() - signalled;
    expect(result.signal).toBeNull();
    expect(result.stdout).toMatch(/interrupted/i);
    expect(elapsed).toBeLessThan(5000);
  }, 90_000);
});
