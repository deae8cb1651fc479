import { chmodSync, copyFileSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { BLUEPRINT_OF_KIND } from "../../helpers/shipped-blueprints";
import { queryStagingFile, startSyncWorld, type SyncWorld } from "../../helpers/sync-world";

const MAPPING = fileURLToPath(new URL("../../../resources/port-app-config.yml", import.meta.url));
const BLUEPRINTS = Object.values(BLUEPRINT_OF_KIND);

const others: PortSandbox[] = [];
afterEach(async () => {
  await Promise.all(others.splice(0).map((sandbox) => sandbox.close()));
});

/** Someone working in Port by hand, through its API. */
async function editByHand(sandbox: PortSandbox, method: string, path: string, body?: unknown): Promise<number> {
  const auth = await fetch(`${sandbox.baseUrl}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }),
  });
  const { accessToken } = (await auth.json()) as { accessToken: string };
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.status;
}

/** Every entity of the shipped blueprints, as `blueprint/identifier title`, sorted. */
function catalogOf(sandbox: PortSandbox): string[] {
  return BLUEPRINTS.flatMap((blueprint) => sandbox.entities(blueprint).map((entity) => `${blueprint}/${entity.identifier} ${String(entity.title)}`)).sort();
}

function envFor(sandbox: PortSandbox): Record<string, string> {
  return { OCEAN__PORT__BASE_URL: sandbox.baseUrl, OCEAN__PORT__CLIENT_ID: sandbox.clientId, OCEAN__PORT__CLIENT_SECRET: sandbox.clientSecret };
}

interface JsonSummary {
  load: {
    blueprints: { blueprint: string; created: number; updated: number; deleted: number; drifted?: number }[];
    reconcile?: { reason: string; ran: boolean; complete: boolean; drifted: number };
    removedResources?: { blueprint: string; kind: string | null; entities: number; deleted: number; deleteBlock?: string }[];
  };
}

async function syncedWorld(): Promise<SyncWorld> {
  const world = await startSyncWorld();
  const first = await world.cli(["run"]);
  expect(first.code, first.stderr).toBe(0);
  return world;
}

describe("the staging file knows its Port", () => {
  it("refuses a copy run against another Port with exit 2 and no request to it, and adopts it with --adopt-port", async () => {
    const world = await syncedWorld();
    const other = await startPortSandbox({ clientId: "other-client-id", clientSecret: "other-client-secret" });
    others.push(other);
    const copy = join(world.dir, "copy.sqlite");
    copyFileSync(world.dbPath, copy);

    const refused = await world.cli(["run", "--db", copy], envFor(other));

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`syncs with the Port at ${world.port.baseUrl} (client id world-client-id)`);
    expect(refused.stderr).toContain(`${other.baseUrl} (client id other-client-id)`);
    expect(refused.stderr).toContain("--adopt-port");
    expect(refused.stderr).toContain("--db new.sqlite");
    expect(refused.stderr).not.toContain("other-client-secret");
    expect(other.requests).toHaveLength(0);
    expect((await world.cli(["plan", "--db", copy], envFor(other))).code).toBe(2);
    expect(other.requests).toHaveLength(0);

    const adopted = await world.cli(["run", "--db", copy, "--adopt-port", "--json"], envFor(other));

    expect(adopted.code, adopted.stderr).toBe(0);
    expect((JSON.parse(adopted.stdout) as JsonSummary).load.reconcile).toMatchObject({ reason: "requested", ran: true, complete: true });
    expect(catalogOf(other)).toEqual(catalogOf(world.port));
    expect(queryStagingFile(copy, "SELECT base_url, client_id FROM port_binding")).toEqual([{ base_url: other.baseUrl, client_id: "other-client-id" }]);
    const writes = other.writes.length;
    expect((await world.cli(["run", "--db", copy], envFor(other))).code).toBe(0);
    expect(other.writes.length).toBe(writes);
    // The original file is still bound to the first Port.
    expect(queryStagingFile(world.dbPath, "SELECT base_url, client_id FROM port_binding")).toEqual([{ base_url: world.port.baseUrl, client_id: "world-client-id" }]);
  });

  it("binds a new file on its first run and starts its reconcile clock then", async () => {
    const world = await syncedWorld();
    const writable = queryStagingFile<{ n: number }>(world.dbPath, "SELECT count(*) AS n FROM port_binding");
    expect(writable).toEqual([{ n: 1 }]);
    const [binding] = queryStagingFile<{ bound_at: string; last_reconciled_at: string | null }>(world.dbPath, "SELECT bound_at, last_reconciled_at FROM port_binding");
    // A file that had pushed nothing starts its reconcile clock when it is bound.
    expect(binding?.last_reconciled_at).toBe(binding?.bound_at);
  });
});

describe("a file without a binding (written before bindings existed)", () => {
  it("is bound on its first run and reconciled first, since what it pushed may have drifted", async () => {
    const world = await syncedWorld();
    const sqlite = new BetterSqlite3(world.dbPath);
    sqlite.exec("DELETE FROM port_binding");
    sqlite.close();
    const [edited] = world.port.entities("incidentioTeam");
    const editedId = (edited as { identifier: string }).identifier;
    expect(await editByHand(world.port, "POST", "/v1/blueprints/incidentioTeam/entities?upsert=true&merge=true", { identifier: editedId, title: "Edited by hand" })).toBe(201);

    const result = await world.cli(["run", "--json"]);

    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as JsonSummary).load.reconcile).toMatchObject({ reason: "never-reconciled", ran: true, complete: true, drifted: 1 });
    expect(world.port.entity("incidentioTeam", editedId)?.title).not.toBe("Edited by hand");
    const rows = queryStagingFile<{ base_url: string; last_reconciled_at: string | null }>(world.dbPath, "SELECT base_url, last_reconciled_at FROM port_binding");
    expect(rows).toEqual([{ base_url: world.port.baseUrl, last_reconciled_at: expect.any(String) }]);
  });
});

describe("drift", () => {
  it("is repaired by the scheduled reconcile and counted in the summary, while a run with no reconcile due sees nothing", async () => {
    const world = await syncedWorld();
    const [edited] = world.port.entities("incidentioUser");
    const [deleted] = world.port.entities("incidentioFollowUp");
    expect(edited && deleted).toBeTruthy();
    const editedId = (edited as { identifier: string }).identifier;
    const deletedId = (deleted as { identifier: string }).identifier;
    const before = catalogOf(world.port);
    expect(await editByHand(world.port, "POST", "/v1/blueprints/incidentioUser/entities?upsert=true&merge=true", { identifier: editedId, title: "Edited by hand" })).toBe(201);
    expect(await editByHand(world.port, "DELETE", `/v1/blueprints/incidentioFollowUp/entities/${encodeURIComponent(deletedId)}?delete_dependents=false`)).toBe(200);

    const quiet = await world.cli(["run", "--json"]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect((JSON.parse(quiet.stdout) as JsonSummary).load.reconcile).toBeUndefined();

    const plan = await world.cli(["plan"], { ETL_RECONCILE_EVERY_HOURS: "0.000001" });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("A reconcile with Port is due (the last one is older than ETL_RECONCILE_EVERY_HOURS)");

    const repaired = await world.cli(["run", "--json"], { ETL_RECONCILE_EVERY_HOURS: "0.000001" });

    expect(repaired.code, repaired.stderr).toBe(0);
    const summary = JSON.parse(repaired.stdout) as JsonSummary;
    expect(summary.load.reconcile).toMatchObject({ reason: "schedule", ran: true, complete: true, drifted: 2 });
    expect(summary.load.blueprints.filter((b) => b.drifted).map((b) => [b.blueprint, b.drifted])).toEqual(
      expect.arrayContaining([
        ["incidentioUser", 1],
        ["incidentioFollowUp", 1],
      ]),
    );
    expect(catalogOf(world.port)).toEqual(before);
    const [binding] = queryStagingFile<{ last_reconciled_at: string; bound_at: string }>(world.dbPath, "SELECT last_reconciled_at, bound_at FROM port_binding");
    expect(Date.parse(binding?.last_reconciled_at ?? "")).toBeGreaterThan(Date.parse(binding?.bound_at ?? ""));
  });

  it("is repaired by --full-refresh", async () => {
    const world = await syncedWorld();
    const [edited] = world.port.entities("incidentioUser");
    const editedId = (edited as { identifier: string }).identifier;
    const before = catalogOf(world.port);
    expect(await editByHand(world.port, "POST", "/v1/blueprints/incidentioUser/entities?upsert=true&merge=true", { identifier: editedId, title: "Edited by hand" })).toBe(201);

    const repaired = await world.cli(["run", "--full-refresh", "--json"]);

    expect(repaired.code, repaired.stderr).toBe(0);
    expect((JSON.parse(repaired.stdout) as JsonSummary).load.reconcile).toMatchObject({ reason: "full-refresh", ran: true, drifted: 1 });
    expect(catalogOf(world.port)).toEqual(before);
  });
});

describe("a resource removed from the mapping", () => {
  it("is named by plan, status and run with its count, and deleted with --delete-removed-resources under the threshold rules", async () => {
    const world = await syncedWorld();
    const alerts = world.port.entities(BLUEPRINT_OF_KIND.alerts).length;
    expect(alerts).toBeGreaterThan(0);
    const mapping = parse(readFileSync(MAPPING, "utf8")) as { resources: { kind: string }[] };
    mapping.resources = mapping.resources.filter((resource) => !resource.kind.includes("/alerts"));
    const smaller = join(world.dir, "without-alerts.yml");
    writeFileSync(smaller, stringify(mapping));
    const line = `${BLUEPRINT_OF_KIND.alerts}: ${alerts} entities in Port from a resource no longer in the mapping`;

    const plan = await world.cli(["plan", "--mapping", smaller]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(line);
    expect(plan.stdout).toContain("rerun with --delete-removed-resources to delete them");
    const status = await world.cli(["status", "--mapping", smaller]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(line);

    const withheld = await world.cli(["run", "--mapping", smaller, "--delete-removed-resources"]);
    expect(withheld.stdout).toContain("not deleted: more than entityDeletionThreshold of the blueprint, add --allow-mass-delete");
    expect(world.port.entities(BLUEPRINT_OF_KIND.alerts)).toHaveLength(alerts);

    const deleted = await world.cli(["run", "--mapping", smaller, "--delete-removed-resources", "--allow-mass-delete", "--json"]);

    expect(deleted.code, deleted.stderr).toBe(0);
    expect((JSON.parse(deleted.stdout) as JsonSummary).load.removedResources).toEqual([
      expect.objectContaining({ blueprint: BLUEPRINT_OF_KIND.alerts, entities: alerts, deleted: alerts }),
    ]);
    expect(world.port.entities(BLUEPRINT_OF_KIND.alerts)).toHaveLength(0);
    const after = await world.cli(["plan", "--mapping", smaller]);
    expect(after.stdout).not.toContain("no longer in the mapping");
  });
});

describe("deleting a removed resource whose entities others relate to", () => {
  it("sends again, in the same run, the entities Port deleted along with them (deleteDependentEntities)", async () => {
    const world = await syncedWorld();
    const incidents = catalogOf(world.port).filter((entity) => entity.startsWith(`${BLUEPRINT_OF_KIND.incidents}/`));
    expect(incidents.length).toBeGreaterThan(0);
    const mapping = parse(readFileSync(MAPPING, "utf8")) as { resources: { kind: string }[] };
    mapping.resources = mapping.resources.filter((resource) => !resource.kind.includes("/severities"));
    const smaller = join(world.dir, "without-severities.yml");
    writeFileSync(smaller, stringify(mapping));

    const result = await world.cli(["run", "--mapping", smaller, "--delete-removed-resources", "--allow-mass-delete"]);

    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Port deleted \d+ entities along with those of resources no longer in the mapping \(deleteDependentEntities\); the staged ones are sent again/);
    expect(catalogOf(world.port).filter((entity) => entity.startsWith(`${BLUEPRINT_OF_KIND.incidents}/`))).toEqual(incidents);
    expect((await world.cli(["plan", "--mapping", smaller])).stdout).not.toContain("no longer in the mapping");
  });
});

describe("status", () => {
  it("opens the file read-only, through a symlink too, and never changes its mode", async () => {
    const world = await syncedWorld();
    chmodSync(world.dbPath, 0o640);
    const link = join(world.dir, "link.sqlite");
    symlinkSync(world.dbPath, link);

    const viaLink = await world.cli(["status", "--db", link]);
    const direct = await world.cli(["status"]);

    expect(viaLink.code, viaLink.stderr).toBe(0);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toContain(`Port: ${world.port.baseUrl} (client id world-client-id)`);
    expect(statSync(world.dbPath).mode & 0o777).toBe(0o640);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("and every other command refuse a damaged file with exit 1, naming it and the fix", async () => {
    const world = await syncedWorld();
    const size = statSync(world.dbPath).size;
    const garbage = Buffer.alloc(Math.min(size / 2, 64 * 1024), 0x41);
    const bytes = readFileSync(world.dbPath);
    garbage.copy(bytes, Math.floor(size / 2 / 16384) * 16384);
    writeFileSync(world.dbPath, bytes);

    for (const command of ["run", "status"]) {
      const result = await world.cli([command]);
      expect(result.code, command).toBe(1);
      expect(result.stderr).toContain(`staging file ${world.dbPath} is damaged`);
      expect(result.stderr).toContain("Restore it from a backup");
      expect(result.stderr).not.toContain("unexpected error");
    }
  });
});
