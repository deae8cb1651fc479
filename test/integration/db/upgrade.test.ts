import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import type { PortBlueprint } from "../../../src/sandbox/port/server";
import { queryStagingFile, startSyncWorld } from "../../helpers/sync-world";

// Staging files made by earlier releases, each by one `etl run` of the shipped mapping against the
// Incident.io sandbox's demo organization (seed 7): before migration 0001 (commit 823f38b, schema 0000
// only), the release before the mapping was read from Port and the transform mapped only what
// changed (commit 4452bbe, schemas 0000 to 0002), and the release before serve's webhook inbox and
// the record indexes (commit fdf0c5a, schemas 0000 to 0008). Users keep their staging file for
// months, and it is what lets a run push only the changes.
const FIXTURES = [
  { schema: "0000", file: "schema-0000.sqlite.gz", migrationsBefore: 1 },
  { schema: "0002", file: "schema-0002.sqlite.gz", migrationsBefore: 3 },
  { schema: "0008", file: "schema-0008.sqlite.gz", migrationsBefore: 9 },
] as const;
const BLUEPRINTS = fileURLToPath(new URL("../../../resources/blueprints.json", import.meta.url));

function writeFixture(path: string, file: string): void {
  writeFileSync(path, gunzipSync(readFileSync(fileURLToPath(new URL(`../../fixtures/staging/${file}`, import.meta.url)))), { mode: 0o600 });
}

describe.each(FIXTURES)("a staging file of schema $schema", ({ file, migrationsBefore }) => {
  it("migrates on open, and every pushed entity learns the record it came from", async () => {
    const world = await startSyncWorld();
    writeFixture(world.dbPath, file);
    const opened = openDatabase(world.dbPath);
    try {
      const applied = opened.sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
      expect(applied.n).toBeGreaterThan(migrationsBefore);
      const sources = opened.sqlite
        .prepare("SELECT count(*) AS n, count(source_kind) AS with_kind, count(source_record_id) AS with_record FROM port_snapshot")
        .get() as { n: number; with_kind: number; with_record: number };
      expect(sources.n).toBe(883);
      expect(sources).toEqual({ n: 883, with_kind: 883, with_record: 883 });
      expect((opened.sqlite.pragma("quick_check") as { quick_check: string }[])[0]?.quick_check).toBe("ok");
    } finally {
      await opened.close();
    }
  });

  it("runs a no-change sync against the Port it describes that writes nothing to Port", async () => {
    const blueprints = JSON.parse(readFileSync(BLUEPRINTS, "utf8")) as PortBlueprint[];
    const world = await startSyncWorld({
      incidentIo: { seed: 7, scale: "demo" },
      port: { blueprints },
    });
    writeFixture(world.dbPath, file);
    // A file made since migration 0001 names the Port it synced with: this sandbox stands in for that Port.
    rebindToPort(world.dbPath, world.port.baseUrl);
    // Port holds what the file says it holds, so a reconcile (were one due) finds no drift either.
    const pushed = queryStagingFile<{ blueprint: string; entity_json: string }>(world.dbPath, "SELECT blueprint, entity_json FROM port_snapshot ORDER BY blueprint, identifier");
    await seedPort(world.port.baseUrl, world.port.clientId, world.port.clientSecret, pushed);
    const seeded = world.port.writes.length;

    const result = await world.cli(["run", "--json"]);

    expect(result.code, result.stderr).toBe(0);
    expect(world.port.writes.slice(seeded).map((w) => `${w.op} ${w.blueprint}/${w.identifier}`)).toEqual([]);
    const summary = JSON.parse(result.stdout) as { load: { blueprints: { created: number; updated: number; deleted: number }[] } };
    const changes = summary.load.blueprints.reduce((sum, b) => sum + b.created + b.updated + b.deleted, 0);
    expect(changes).toBe(0);
  });
});

/** Points a fixture's binding (when it has one) at `baseUrl`, as if the sandbox ran where the file's Port did. */
function rebindToPort(path: string, baseUrl: string): void {
  const sqlite = new BetterSqlite3(path);
  try {
    const hasBinding = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'port_binding'").get() as { n: number };
    if (hasBinding.n > 0) sqlite.prepare("UPDATE port_binding SET base_url = ?").run(baseUrl);
  } finally {
    sqlite.close();
  }
}

/** Writes `entities` into the Port sandbox through its API, targets of relations first. */
async function seedPort(baseUrl: string, clientId: string, clientSecret: string, rows: readonly { blueprint: string; entity_json: string }[]): Promise<void> {
  const auth = await fetch(`${baseUrl}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  const { accessToken } = (await auth.json()) as { accessToken: string };
  const byBlueprint = new Map<string, unknown[]>();
  for (const row of rows) byBlueprint.set(row.blueprint, [...(byBlueprint.get(row.blueprint) ?? []), JSON.parse(row.entity_json)]);
  for (const [blueprint, entities] of byBlueprint) {
    for (let start = 0; start < entities.length; start += 20) {
      const response = await fetch(`${baseUrl}/v1/blueprints/${encodeURIComponent(blueprint)}/entities/bulk?upsert=true&merge=false&create_missing_related_entities=true`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ entities: entities.slice(start, start + 20) }),
      });
      expect(response.status, await response.text()).toBeLessThan(300);
    }
  }
}
