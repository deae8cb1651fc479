import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli-process";

const SECRET = "PLANTED_port_secret_77f1";

describe("etl config", () => {
  it("prints each setting with its value and source, the secret only as set, and warns about a misspelt variable", async () => {
    const result = await runCli(["config", "--db", "mine.sqlite"], { OCEAN__PORT__CLIENT_SECRET: SECRET, OCEAN__EVENT_LISTENER__TYPE: "POLLING", ETL_DBB: "x" }, 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^setting +value +source$/m);
    expect(result.stdout).toMatch(/^OCEAN__PORT__CLIENT_SECRET +set +OCEAN__PORT__CLIENT_SECRET$/m);
    expect(result.stdout).toMatch(/^OCEAN__EVENT_LISTENER +POLLING +OCEAN__EVENT_LISTENER__TYPE$/m);
    expect(result.stdout).toMatch(/^ETL_DB +mine\.sqlite +--db$/m);
    expect(result.stdout).toMatch(/^OCEAN__INTEGRATION__CONFIG__PAGE_SIZE +100 +default$/m);
    expect(result.stderr).toContain("warning: ETL_DBB is set, but no setting reads it: did you mean ETL_DB?");
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it("prints them as JSON with --json, and exits 2 naming a refused value after showing it", async () => {
    const json = await runCli(["config", "--json"], { OCEAN__PORT__CLIENT_SECRET: SECRET }, 60_000);
    const settings = JSON.parse(json.stdout) as { name: string; value: string; source: string }[];
    expect(settings.find((setting) => setting.name === "portClientSecret")).toMatchObject({ value: "set", source: "OCEAN__PORT__CLIENT_SECRET" });
    expect(json.stdout).not.toContain(SECRET);

    const refused = await runCli(["config"], { OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: "many" }, 60_000);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain("refused: OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: must be a number");
    expect(refused.stderr).toContain("OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: must be a number");
  });
});
