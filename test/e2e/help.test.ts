import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli-process";

// Settings that would make any command that reads the configuration exit 2.
const BROKEN_ENV = { OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: "many", ETL_MAPPING: "/nonexistent/mapping.yml" };

describe("etl help", () => {
  it.each([
    { argv: ["help", "run"], usage: "Usage: pnpm etl run [options]" },
    { argv: ["plan", "--help"], usage: "Usage: pnpm etl plan [options]" },
    { argv: ["status", "-h"], usage: "Usage: pnpm etl status [options]" },
  ])("prints $argv's own usage, options and example without reading the configuration", async ({ argv, usage }) => {
    const result = await runCli(argv, BROKEN_ENV, 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
    expect(result.stdout).toContain("Example:\n  pnpm etl ");
    expect(result.stderr).toBe("");
  });

  it("names a mistyped command and the one it likely meant, with exit 2", async () => {
    const result = await runCli(["trasnform"], {}, 60_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "trasnform": did you mean transform?');
  });

  it("names a mistyped flag and the one it likely meant, with exit 2", async () => {
    const result = await runCli(["plan", "--lmit", "5"], {}, 60_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown flag --lmit: did you mean --limit?");
  });
});
