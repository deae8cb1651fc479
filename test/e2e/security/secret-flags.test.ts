import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli-process";
import { startSyncWorld } from "../../helpers/sync-world";

const VALUE = "PLANTED_flag_value_4c2e9";

describe("secrets on the command line", () => {
  it.each([
    { args: ["run", `--token=${VALUE}`], flag: "--token" },
    { args: ["run", "--token", VALUE], flag: "--token" },
    { args: ["extract", `--api-key=${VALUE}`], flag: "--api-key" },
    { args: ["load", "--client-secret", VALUE], flag: "--client-secret" },
    { args: ["run", `--password=${VALUE}`], flag: "--password" },
    { args: ["run", `-secret=${VALUE}`], flag: "-secret" },
    { args: ["run", "--API-TOKEN", VALUE], flag: "--API-TOKEN" },
    { args: ["serve", `--webhook-secret=${VALUE}`], flag: "--webhook-secret" },
    { args: ["serve", "--signing-secret", VALUE], flag: "--signing-secret" },
  ])("are refused with exit 2 before anything runs: $args.0 $flag", async ({ args, flag }) => {
    const world = await startSyncWorld();
    const outcome = await world.cli(args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`${flag}: secrets are never accepted on the command line (they would show in ps and shell history)`);
    expect(outcome.stdout + outcome.stderr).not.toContain(VALUE);
    expect(world.incidentIo.requests).toEqual([]);
    expect(world.port.requests).toEqual([]);
  });

  it.each([["run", `--port-client-secret=${VALUE}`], ["run", "--incidentio-token", VALUE]])(
    "refuses flags that merely look like secrets as unknown, without echoing the value: %s %s",
    async (...args) => {
      const world = await startSyncWorld();
      const outcome = await world.cli(args);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(/unknown flag/);
      expect(outcome.stdout + outcome.stderr).not.toContain(VALUE);
    },
  );

  it("refuses them in the real process too, so the value is never read from argv", async () => {
    const world = await startSyncWorld();
    const outcome = await runCli(["run", "--client-secret", VALUE], { ...world.env, CI: "true" });
    expect(outcome.code).toBe(2);
    expect(outcome.stdout + outcome.stderr).not.toContain(VALUE);
    expect(world.port.requests).toEqual([]);
  });
});
