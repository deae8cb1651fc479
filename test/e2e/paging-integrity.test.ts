import { describe, expect, it } from "vitest";
import { queryStagingFile, startSyncWorld, type SyncWorld } from "../helpers/sync-world";

const USERS = "/v2/users";

function userIdentifiers(world: SyncWorld): string[] {
  return world.port
    .entities("incidentioUser")
    .map((entity) => entity.identifier)
    .sort();
}

function countOf(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe("etl run against an API whose paging cannot be trusted", () => {
  it("fails on a repeated cursor, naming endpoint and cursor, with exit 1 and every previously synced user still in Port", async () => {
    // Two pages of users at the shipped mapping's 1,000 a page.
    const world = await startSyncWorld({ incidentIo: { scale: { users: 1200, alert_sources: 1, schedules: 1, alerts: 1, incidents: 1, catalog_types: 1, catalog_entries: 1, severities: 1, teams: 1, follow_ups: 1 } } });
    const first = await world.cli(["run"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const before = userIdentifiers(world);
    expect(before).toHaveLength(1200);

    world.incidentIo.setPageFault(USERS, { type: "repeat-cursor" });
    world.incidentIo.requests.length = 0;
    world.port.writes.length = 0;
    const stuck = await world.cli(["run"]);

    expect(stuck.code).toBe(1);
    const cursor = world.incidentIo.requests.filter((r) => r.path === USERS && r.query["after"] !== undefined)[0]?.query["after"] as string;
    expect(stuck.stdout + stuck.stderr).toContain(`GET ${USERS} (cursor ${cursor}): the page came back with the cursor it was requested with`);
    const [status] = queryStagingFile<{ status: string; endpoint: string; cursor: string }>(
      world.dbPath,
      "select status, endpoint, cursor from extract_status where kind = ? order by run_id desc limit 1",
      USERS,
    );
    expect(status).toEqual({ status: "failed", endpoint: USERS, cursor });
    expect(world.port.writes.filter((w) => w.op === "delete")).toEqual([]);
    expect(userIdentifiers(world)).toEqual(before);
  });

  it("reads /v2/follow_ups when /v3/follow_ups answers 404, says so on one line of the run's output, and exits 0", async () => {
    const world = await startSyncWorld({ incidentIo: { notServed: ["/v3/follow_ups"] } });
    const outcome = await world.cli(["run"]);

    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(0);
    const warning = "/v3/follow_ups answered 404, so follow-ups were read from the deprecated /v2/follow_ups";
    expect(countOf(outcome.stdout + outcome.stderr, warning)).toBe(1);
    expect(outcome.stdout).toContain(`warning: extract follow_ups: ${warning}`);
    expect(world.port.entities("incidentioFollowUp")).toHaveLength(world.incidentIo.dataset.count("follow_ups"));
  });
});

describe("etl run and status with items that cannot be records", () => {
  it("counts null items and items without an id in the summary and in status, fails the run, and deletes nothing", async () => {
    const world = await startSyncWorld();
    expect((await world.cli(["run"])).code).toBe(0);
    const before = userIdentifiers(world);
    world.incidentIo.setPageFault(USERS, { type: "extra-items", items: [null, { name: "no id" }, { id: "" }] });
    world.port.writes.length = 0;

    const run = await world.cli(["run"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("error: extract users: 3 items were not stored (not an object, or no usable id; see pnpm etl status)");
    expect(run.stdout).toMatch(/^users\s+\d+ \(\+3 rejected\)/m);
    expect(world.port.writes.filter((w) => w.op === "delete")).toEqual([]);
    expect(userIdentifiers(world)).toEqual(before);

    const status = await world.cli(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("Latest items not stored as records (their kind withholds deletions)");
    expect(status.stdout).toMatch(/run 2 \/v2\/users GET \/v2\/users item \d+: the record's id is empty/);
    expect(status.stdout).toMatch(/run 2 \/v2\/users GET \/v2\/users item \d+: the item is null, not an object/);
  });
});
