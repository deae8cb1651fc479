import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDemoSandboxes, type DemoSandboxes } from "../../src/pipeline/demo";
import { runCli } from "../helpers/cli-process";
import { makeTempDir } from "../helpers/temp-dir";

let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await sandboxes?.close();
  sandboxes = undefined;
});

async function setUp(): Promise<{ env: Record<string, string>; dir: string }> {
  sandboxes = await startDemoSandboxes();
  const dir = makeTempDir("etl-check-");
  return { env: { ...sandboxes.env, ETL_DB: join(dir, "etl.sqlite"), CI: "true" }, dir };
}

describe("etl check", () => {
  it("passes with both credentials and the shipped mapping, says which rate-limit headers came, and writes nothing", async () => {
    const { env } = await setUp();
    const result = await runCli(["check"], env, 120_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Incident\.io {2}http:\/\/127\.0\.0\.1:\d+: key accepted \(GET \/v1\/identity answered 200\)$/m);
    // The sandbox sends what Incident.io documents on a successful answer: no rate-limit header.
    expect(result.stdout).toContain("rate-limit headers: none sent; the client paces itself to ETL_REQUESTS_PER_MINUTE (1200 a minute)");
    expect(result.stdout).toMatch(/every jq expression compiles \(jq 1\.\d/);
    expect(result.stdout).toMatch(/^Port {9}http:\/\/127\.0\.0\.1:\d+: client accepted; Port lacks \d+ blueprints \(.*incidentioIncident.*\), which the first run creates$/m);
    expect(result.stdout).toContain("Every check passed.");
    expect(sandboxes!.port.writes).toHaveLength(0);

    const json = await runCli(["check", "--json"], env, 120_000);
    expect(JSON.parse(json.stdout)).toMatchObject({ incidentIo: { status: 200 }, rateLimitHeaders: {}, mapping: { expressions: "compiled" } });
  }, 300_000);

  it.each([
    { name: "a refused Incident.io key", change: { OCEAN__INTEGRATION__SECRETS__TOKEN: "wrong-key" }, says: /OCEAN__INTEGRATION__SECRETS__TOKEN/ },
    { name: "a refused Port secret", change: { OCEAN__PORT__CLIENT_SECRET: "wrong-secret" }, says: /OCEAN__PORT__CLIENT_SECRET/ },
  ])("exits 2 for $name, naming the variable", async ({ change, says }) => {
    const { env } = await setUp();
    const result = await runCli(["check"], { ...env, ...change }, 120_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(says);
    expect(result.stderr).not.toContain(Object.values(change)[0]);
  }, 300_000);

  it("exits 1 when Port lacks blueprints a run would not create, naming them", async () => {
    const { env } = await setUp();
    const result = await runCli(["check"], { ...env, OCEAN__INITIALIZE_PORT_RESOURCES: "false" }, 120_000);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Port lacks .*incidentioIncident.* and OCEAN__INITIALIZE_PORT_RESOURCES is off/);
    expect(result.stdout).not.toContain("Every check passed.");
  }, 300_000);

  it.each([
    { name: "the preflight's token requests (a later one passes)", route: "POST /v1/auth/access_token", times: 2, says: "POST /v1/auth/access_token: 503" },
    { name: "the read of the integration's mapping", route: "GET /v1/integration/*", times: 1, says: "GET /v1/integration/my-ocean-incidentio-integration: 503" },
  ])("says Port is failing, not refusing, and exits 1 when Port answers 5xx to $name", async ({ route, times, says }) => {
    const { env } = await setUp();
    sandboxes!.port.faults.add({ route, fault: { type: "status", status: 503 }, times });
    const result = await runCli(["check"], env, 120_000);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^Port {9}http:\/\/127\.0\.0\.1:\d+: Port is failing, not refusing the client: /m);
    expect(result.stdout).toContain(says);
    expect(result.stdout).toContain("Port is failing now; a run retries it, and fails if it keeps failing.");
    expect(result.stdout).not.toContain("client accepted");
    expect(result.stdout).not.toContain("Every check passed.");
    expect(sandboxes!.port.faults.injected).toBe(times);
  }, 300_000);

  it("says Incident.io is failing when it answered the preflight 5xx, though the next request passed", async () => {
    const { env } = await setUp();
    sandboxes!.incidentIo.faults.add({ route: "GET /v1/identity", fault: { type: "status", status: 503 }, times: 2 });
    const result = await runCli(["check"], env, 120_000);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^Incident\.io {2}http:\/\/127\.0\.0\.1:\d+: the key was not refused, but GET \/v1\/identity: 503/m);
    expect(result.stdout).toContain("Incident.io is failing now; a run retries it, and fails its kinds if it keeps failing.");
    expect(result.stdout).not.toContain("Every check passed.");
  }, 300_000);

  it("compiles the mapping a run would use: Port's integration config once it holds one", async () => {
    const { env } = await setUp();
    expect((await runCli(["run"], env, 180_000)).code).toBe(0);
    const integration = env["OCEAN__INTEGRATION__IDENTIFIER"] ?? "";
    const passed = await runCli(["check"], env, 120_000);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain(`Mapping      Port integration ${integration} config: `);

    const config = structuredClone((sandboxes!.port.integration(integration) as { config: { resources: { port: { entity: { mappings: { title?: string } } } }[] } }).config);
    (config.resources[0] as (typeof config.resources)[number]).port.entity.mappings.title = ".name | ascii_downcase(";
    sandboxes!.port.editIntegrationConfig(integration, config);
    const refused = await runCli(["check"], env, 120_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/title: jq cannot compile/);
  }, 400_000);

  it("exits 2 for a mapping expression jq cannot compile, naming it", async () => {
    const { env, dir } = await setUp();
    const mapping = join(dir, "mapping.yml");
    writeFileSync(
      mapping,
      'resources:\n  - kind: /v1/severities\n    selector:\n      query: "true"\n      data_path: .severities\n      pagination: { type: none }\n' +
        '    port:\n      entity:\n        mappings:\n          identifier: .id\n          title: .name | ascii_downcase(\n          blueprint: \'"incidentioSeverity"\'\n',
    );
    const result = await runCli(["check", "--mapping", mapping], env, 120_000);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/resources\[0\] \(\/v1\/severities\) title: jq cannot compile/);
  }, 300_000);
});
