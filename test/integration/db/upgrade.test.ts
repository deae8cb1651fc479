import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import type { PortBlueprint } from "../../../src/sandbox/port/server";
import { queryStagingFile, startSyncWorld } from "../../helpers/sync-world";

// A staging file made by the release before migration 0001 (commit 823f38b, schema 0000 only): one
// `etl run` of the shipped mapping against the Incident.io sandbox's demo organization (seed 7).
// Users keep their staging file for months, and it is what lets a run push only the changes.
const FIXTURE = fileURLToPath(new URL("../../fixtures/staging/schema-0000.sqlite.gz", import.meta.url));
const BLUEPRINTS = fileURLToPath(new URL("../../../resources/blueprints.json", import.meta.url));

function writeFixture(path: string): void {
  writeFileSync(path, gunzipSync(readFileSync(FIXTURE)), { mode: 0o600 });
}

describe("a staging file of the previous schema", () => {
  it("migrates on open, and every pushed entity learns the record it came from", async () => {
    const world = await startSyncWorld();
    writeFixture(world.dbPath);
    const opened = openDatabase(world.dbPath);
    try {
      const applied = opened.sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
      expect(applied.n).toBeGreaterThanOrEqual(2);
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
    writeFixture(world.dbPath);
    // Port holds what the file says it holds, so a reconcile (were one due) finds no drift either.
    const pushed = queryStagingFile<{ blueprint: string; entity_json: string }>(world.dbPath, "SELECT blueprint, entity_json FROM port_snapshot ORDER BY blueprint, identifier");
    await seedPort(world.port.baseUrl, world.port.clientId, world.port.clientSecret, pushed);
    const seeded = world.port.writes.length;

    const result = await world.cli(["run", "--json"]);

    expect(result.code, result.stderr).toBe(0);
    expect(world.port.writes.length - seeded).toBe(0);
    const summary = JSON.parse(result.stdout) as { load: { blueprints: { created: number; updated: number; deleted: number }[] } };
    const changes = summary.load.blueprints.reduce((sum, b) => sum + b.created + b.updated + b.deleted, 0);
    expect(changes).toBe(0);
  });
});

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
