import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

// Variables pnpm sets for the script running this test; the installing pnpm and the installed command
// must see a user's shell instead (INIT_CWD would move the command's working directory to the checkout).
const SCRIPT_VARIABLES = /^(INIT_CWD|npm_(lifecycle|package|command|execpath|node_execpath)\w*|PNPM_SCRIPT_SRC_DIR)$/i;
const shellEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SCRIPT_VARIABLES.test(name)));

function run(command: string, args: readonly string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = shellEnv) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
  const output = `${result.stdout}${result.stderr}`;
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}\n${output}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output, ms: Date.now() - started };
}

let work: string;
let app: string;
let bin: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "etl-install-"));
  app = join(work, "app");
  mkdirSync(app);

  // prepack builds dist/ first, as it does for any pack or publish.
  const pack = run("pnpm", ["pack", "--pack-destination", work], ROOT, 60_000);
  expect(pack.code, pack.output).toBe(0);
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
  expect(tarball, pack.output).toBeDefined();

  // An empty project outside the checkout. pnpm runs no build script it is not told to: node-jq's would
  // download a jq the CLI never uses, and better-sqlite3's would compile SQLite for minutes (below).
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "etl-install-check", private: true })}\n`);
  writeFileSync(join(app, "pnpm-workspace.yaml"), "allowBuilds:\n  better-sqlite3: false\n  node-jq: false\n");
  const install = run("pnpm", ["add", "--prefer-offline", join(work, tarball ?? "")], app, 120_000);
  expect(install.code, install.output).toBe(0);

  // The native SQLite binding: the one this checkout built, for the same better-sqlite3 version and the
  // same node, instead of compiling it again. Everything else is what the tarball and the registry gave.
  const installed = join(app, "node_modules", "incidentio-port-etl");
  const ownSqlite = dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json"));
  const installedSqlite = dirname(createRequire(join(realpathSync(installed), "package.json")).resolve("better-sqlite3/package.json"));
  const versionOf = (dir: string) => (createRequire(import.meta.url)(join(dir, "package.json")) as { version: string }).version;
  expect(versionOf(installedSqlite)).toBe(versionOf(ownSqlite));
  mkdirSync(join(installedSqlite, "build", "Release"), { recursive: true });
  copyFileSync(join(ownSqlite, "build", "Release", "better_sqlite3.node"), join(installedSqlite, "build", "Release", "better_sqlite3.node"));

  bin = join(app, "node_modules", ".bin", "incidentio-port-etl");
}, 200_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// Only what a user has: PATH (for jq) and HOME, in a folder of their own.
const userEnv = () => ({ PATH: process.env["PATH"], HOME: process.env["HOME"] });

describe("the packed package installed into an empty folder", () => {
  it("holds the built CLI, its migrations and resources, and no TypeScript runner", () => {
    const installed = join(app, "node_modules", "incidentio-port-etl");
    for (const file of ["bin/incidentio-port-etl.js", "dist/main.js", "migrations/meta/_journal.json", "resources/blueprints.json", "resources/port-app-config.yml"]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(readdirSync(join(app, "node_modules", ".pnpm")).filter((name) => name.startsWith("tsx@"))).toEqual([]);
  });

  it("starts the commands that move data with the node flags of pnpm etl and the Docker image", async () => {
    const { PRODUCT_ENV, PRODUCT_NODE_FLAGS } = await import("../../bench/product");
    const launcher = readFileSync(join(app, "node_modules", "incidentio-port-etl", "bin", "incidentio-port-etl.js"), "utf8");
    for (const flag of PRODUCT_NODE_FLAGS) expect(launcher).toContain(`"${flag}"`);
    for (const [name, value] of Object.entries(PRODUCT_ENV)) expect(launcher).toContain(`${name}: "${value}"`);
  });

  it("prints its version", () => {
    const result = run(bin, ["--version"], app, 30_000, userEnv());
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toBe(`incidentio-port-etl ${VERSION}\n`);
  });

  it("prints its help under its own name, without any package manager's banner", () => {
    const result = run(bin, ["--help"], app, 30_000, userEnv());
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/^incidentio-port-etl: /);
    expect(result.stdout).toContain("Usage: incidentio-port-etl <command> [options]");
    expect(result.stdout).not.toContain("pnpm etl");
    expect(result.stderr).toBe("");
  });

  it("runs the demo from there, with the staging file in that folder", () => {
    const result = run(bin, ["demo"], app, 120_000, userEnv());
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain("The second run wrote");
    // The closing lines come from the child the launcher runs, which inherits its name.
    expect(result.stdout).toContain("  incidentio-port-etl status --db etl-demo.sqlite\n");
    expect(existsSync(join(app, "etl-demo.sqlite"))).toBe(true);
  });

  it("exits 2 on a command it does not know", () => {
    const result = run(bin, ["bogus"], app, 30_000, userEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command");
  });
});

describe("in the checkout", () => {
  it("pnpm etl still runs the TypeScript sources, prints the same version, and names itself pnpm etl", () => {
    const result = run("pnpm", ["etl", "--version"], ROOT, 60_000);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(`incidentio-port-etl ${VERSION}\n`);
    const help = run("pnpm", ["etl", "help", "status"], ROOT, 60_000);
    expect(help.stdout).toContain("Usage: pnpm etl status [options]");
  });
});
