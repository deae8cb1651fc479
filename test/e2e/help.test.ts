import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli-process";
import { makeTempDir } from "../helpers/temp-dir";

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

  it("names the installed command in help and hints when its launcher started the CLI (the variable bin/ sets)", async () => {
    const installed = { INCIDENTIO_PORT_ETL_PROGRAM: "incidentio-port-etl" };
    const help = await runCli(["--help"], installed, 60_000);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain("Usage: incidentio-port-etl <command> [options]      incidentio-port-etl help <command>");
    expect(help.stdout).toMatch(/^ {2}--version +print the program's name and version/m);
    expect(help.stdout).not.toContain("pnpm etl");

    const status = await runCli(["status", "--db", join(makeTempDir("etl-name-"), "none.sqlite")], installed, 60_000);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("(does not exist yet: run incidentio-port-etl run)");
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
