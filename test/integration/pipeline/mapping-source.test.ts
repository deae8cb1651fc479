import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { queryStagingFile, startSyncWorld, type SyncWorld } from "../../helpers/sync-world";

// The mapping is Port's integration config, which users edit in Port's UI; Ocean re-reads it at every
// resync and writes its default there only when the integration has none.

const SHIPPED = readFileSync(fileURLToPath(new URL("../../../resources/port-app-config.yml", import.meta.url)), "utf8");
const INTEGRATION = "sync-world";

interface PortConfig {
  resources: { kind: string; port: { entity: { mappings: { title?: string; properties: Record<string, string> } } } }[];
}

function portConfig(world: SyncWorld): PortConfig {
  return structuredClone((world.port.integration(INTEGRATION) as { config: PortConfig }).config);
}

/** Port's config with the users' title mapping changed, as a user would edit it in Port's UI. */
function editUserTitle(world: SyncWorld, title: string): PortConfig {
  const config = portConfig(world);
  const users = config.resources.find((resource) => resource.kind === "/v2/users");
  if (!users) throw new Error("no /v2/users resource in Port's config");
  users.port.entity.mappings.title = title;
  world.port.editIntegrationConfig(INTEGRATION, config);
  return config;
}

function userTitles(world: SyncWorld): string[] {
  return world.port.entities("incidentioUser").map((entity) => entity.title ?? "");
}

function summaryOf(stdout: string): { mapping: { source: string; description: string; portWrite?: string; plannedPortWrite?: string; changes?: string[] } } {
  return JSON.parse(stdout) as ReturnType<typeof summaryOf>;
}

describe("the mapping's source", () => {
  it("registers the default where Port has none, then runs with the mapping as edited in Port, which survives", async () => {
    const world = await startSyncWorld();
    const first = await world.cli(["run", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(summaryOf(first.stdout).mapping).toMatchObject({ source: "default", portWrite: "registered", description: "default resources/port-app-config.yml (registered in Port)" });
    expect(portConfig(world).resources.length).toBeGreaterThan(0);

    const edited = editUserTitle(world, '.name + " (edited in Port)"');
    const second = await world.cli(["run", "--json"]);

    expect(second.code, second.stderr).toBe(0);
    expect(summaryOf(second.stdout).mapping.source).toBe("port");
    expect(summaryOf(second.stdout).mapping.description).toMatch(/^Port integration sync-world \(read \d\d:\d\d UTC\)$/);
    expect(userTitles(world).length).toBeGreaterThan(0);
    expect(userTitles(world).every((title) => title.endsWith(" (edited in Port)"))).toBe(true);
    expect(portConfig(world)).toEqual(edited);
    const configWrites = world.port.requests.filter((request) => request.method !== "GET" && request.path.startsWith(`/v1/integration/${INTEGRATION}`) && !request.path.includes("/kinds/"));
    expect(configWrites.map((request) => `${request.method} ${request.path}`)).toEqual([]);
  }, 60_000);

  it("maps with Port's mapping as last read when a command does not talk to Port, and status names it", async () => {
    const world = await startSyncWorld();
    expect((await world.cli(["run"])).code).toBe(0);
    editUserTitle(world, '.name + " (kept)"');
    expect((await world.cli(["plan", "--reconcile"])).code).toBe(0);

    const transform = await world.cli(["transform", "--json"]);

    expect(transform.code, transform.stderr).toBe(0);
    expect(summaryOf(transform.stdout).mapping.source).toBe("staging-file");
    const titles = queryStagingFile<{ entity_json: string }>(world.dbPath, "select entity_json from staged_entities where blueprint = 'incidentioUser'");
    expect(titles.every((row) => String((JSON.parse(row.entity_json) as { title: string }).title).endsWith(" (kept)"))).toBe(true);
    const status = await world.cli(["status"]);
    expect(status.stdout).toMatch(/Mapping: Port integration sync-world \(read \d\d:\d\d UTC by an earlier command, kept in the staging file\)/);
  }, 60_000);

  it("runs a named file without touching Port's mapping, plan --push-mapping shows the change, and run --push-mapping replaces it", async () => {
    const world = await startSyncWorld();
    expect((await world.cli(["run"])).code).toBe(0);
    const edited = editUserTitle(world, '.name + " (edited in Port)"');
    const file = join(world.dir, "port-app-config.yml");
    writeFileSync(file, SHIPPED.replace("title: .name\n", 'title: .name + " (from the file)"\n'));

    const kept = await world.cli(["run", "--json", "--mapping", file]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(summaryOf(kept.stdout).mapping).toMatchObject({ source: "file", description: `file ${file} (differs from Port's, which is kept: --push-mapping replaces it)` });
    expect(userTitles(world).every((title) => title.endsWith(" (from the file)"))).toBe(true);
    expect(portConfig(world)).toEqual(edited);

    world.port.requests.length = 0;
    const offline = await world.cli(["plan", "--mapping", file]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain(`Mapping: file ${file} (differs from Port's, as last read)\n  ~ /v2/users: port.entity.mappings.title`);
    expect(world.port.requests).toEqual([]);

    const plan = await world.cli(["plan", "--mapping", file, "--push-mapping"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Mapping: file ${file} (would be pushed to Port)`);
    expect(plan.stdout).toContain("  ~ /v2/users: port.entity.mappings.title");
    expect(portConfig(world)).toEqual(edited);

    const pushed = await world.cli(["run", "--json", "--mapping", file, "--push-mapping"]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(summaryOf(pushed.stdout).mapping).toMatchObject({ source: "file", portWrite: "pushed", changes: ["~ /v2/users: port.entity.mappings.title"] });
    expect(portConfig(world).resources.find((resource) => resource.kind === "/v2/users")?.port.entity.mappings.title).toBe('.name + " (from the file)"');
    const after = await world.cli(["run", "--json"]);
    expect(summaryOf(after.stdout).mapping.source).toBe("port");
    expect(userTitles(world).every((title) => title.endsWith(" (from the file)"))).toBe(true);
  }, 90_000);

  it("refuses --push-mapping without a named file, and names Port's integration when its mapping is invalid", async () => {
    const world = await startSyncWorld();
    const refused = await world.cli(["run", "--push-mapping"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--push-mapping: name the mapping file to push with --mapping FILE");

    expect((await world.cli(["run"])).code).toBe(0);
    const config = portConfig(world);
    (config.resources[0] as { kind: string }).kind = "v2/users";
    world.port.editIntegrationConfig(INTEGRATION, config);
    const invalid = await world.cli(["run"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("Port integration sync-world config: resources[0].kind: must be the endpoint path, starting with /");
    expect(invalid.stderr).toContain("fix the mapping in Port");
  }, 60_000);
});
