import { describe, expect, it } from "vitest";
import { startSyncWorld } from "../helpers/sync-world";

describe("--verbose's cause chain", () => {
  it("never gives one failure's cause to another: a failed extract kind is not caused by Port's error", async () => {
    const world = await startSyncWorld();
    world.incidentIo.faults.add({ route: "GET /v1/severities", times: 50, fault: { type: "status", status: 500 } });
    world.port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", times: 500, fault: { type: "reset" } });
    const outcome = await world.cli(["run", "-v"], { ETL_MAX_ATTEMPTS: "1" });
    expect(outcome.code).toBe(1);
    const [headline, ...causes] = outcome.stderr.trim().split("\n");
    expect(headline).toMatch(/^extract severities: GET \/v1\/severities: 500/);
    // The Port failure is reported (in the summary's errors), but not as what caused the severities failure.
    expect(outcome.stdout).toMatch(/Port could not be reached/);
    expect(causes.filter((line) => /caused by: .*(Port|\/v1\/blueprints)/.test(line))).toEqual([]);
  }, 60_000);

  it("chains the causes of a load failure: Port unreachable, then the request that failed", async () => {
    const world = await startSyncWorld();
    world.port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", times: 500, fault: { type: "reset" } });
    const outcome = await world.cli(["run", "-v"], { ETL_MAX_ATTEMPTS: "1" });
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^load [^:]+: Port refused \d+ entit/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}caused by: StageFailedError: Port could not be reached/),
      expect.stringMatching(/^ {2}caused by: HttpError: POST \/v1\/blueprints\/[^/]+\/entities\/bulk: no response: ECONNRESET/),
    ]);
  }, 60_000);
});
