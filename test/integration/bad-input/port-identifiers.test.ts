import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/sandbox/incidentio/json";
import { checkIntegrity, queryStagingFile, startSyncWorld } from "../../helpers/sync-world";

// Port's identifier pattern (port-openapi.yml) allows letters, digits and @_.+:\/='- only, not "." or
// ".." alone, and at most 1000 characters.
const BAD_IDENTIFIERS = [
  "has space",
  "question?mark",
  "percent%20",
  "#hash",
  "tab\there",
  "new\nline",
  "fire🔥",
  ".",
  "..",
  "x".repeat(1001),
];

describe("identifiers that violate Port's pattern", () => {
  it("are held back with the reason and never sent to Port, while the rest of the kind loads", async () => {
    const world = await startSyncWorld({ incidentIo: { seed: 5 } });
    const users = [...world.incidentIo.dataset.records("users", { includeInactive: true })];
    const renamed = users.slice(0, BAD_IDENTIFIERS.length).map((user, index) => ({ ...user, id: BAD_IDENTIFIERS[index] }));
    const kept = users.slice(BAD_IDENTIFIERS.length);
    world.incidentIo.faults.add({
      route: "GET /v2/users",
      fault: { type: "status", status: 200, body: { users: [...renamed, ...kept] as JsonObject[], pagination_meta: { page_size: 1000 } } },
    });
    const [alert] = world.incidentIo.dataset.records("alerts");
    world.incidentIo.dataset.update("alerts", alert?.["id"] as string, { alert_source_id: "no such source" });

    const outcome = await world.cli(["run"]);
    expect(outcome.stderr).not.toMatch(/unexpected error/);
    expect(outcome.code, outcome.stdout).toBe(0);
    expect(checkIntegrity(world.dbPath)).toBe("ok");

    const held = new Map(
      queryStagingFile<{ identifier: string; held_back_reason: string }>(
        world.dbPath,
        "select identifier, held_back_reason from staged_entities where held_back_reason is not null",
      ).map((row) => [row.identifier, row.held_back_reason]),
    );
    for (const identifier of BAD_IDENTIFIERS) expect(held.get(identifier), identifier).toMatch(/does not match Port's pattern/);
    expect(held.get(alert?.["id"] as string)).toMatch(/relation "alertSource" must be an identifier or null, got "no such source"/);

    const sent = new Set<string>();
    for (const request of world.port.requests) {
      const body = request.body as { entities?: { identifier?: unknown; relations?: Record<string, unknown> }[]; identifiers?: unknown[] } | undefined;
      for (const entity of body?.entities ?? []) {
        sent.add(String(entity.identifier));
        for (const value of Object.values(entity.relations ?? {})) for (const target of [value].flat()) sent.add(String(target));
      }
      for (const identifier of body?.identifiers ?? []) sent.add(String(identifier));
    }
    for (const identifier of [...BAD_IDENTIFIERS, "no such source", alert?.["id"] as string]) expect(sent.has(identifier), identifier).toBe(false);
    // Port also holds placeholders for the renamed users' old ids, which other kinds still point at.
    const inPort = new Set(world.port.entities("incidentioUser").map((e) => e.identifier));
    expect(kept.every((user) => inPort.has(user["id"] as string))).toBe(true);

    const status = await world.cli(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Held back \(Port would reject them\)\n(?: {2}.*\n)*? {2}incidentioUser\/has space: identifier "has space" does not match Port's pattern/);
  });
});
