import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import { listDeletionPage, listUpsertPage, tallySnapshot, tallyStagedEntities } from "../../../db/queries/load-plan";
import { openTestDb } from "../../helpers/open-test-db";

// The tables' mark of a pushed row still pending (a create sent, not confirmed): stored as state pending, no hash.
const PENDING_HASH = "pending";

interface Staged {
  readonly identifier: string;
  readonly hash: string;
  readonly blueprint?: string;
  readonly kind?: string;
  readonly heldBack?: boolean;
}

interface Pushed {
  readonly identifier: string;
  readonly hash: string;
  readonly blueprint?: string;
  /** The record it was pushed from (`kind`, `record_id`); none for a row reconcile read from Port. */
  readonly source?: readonly [string, string];
}

interface Unmapped {
  readonly kind?: string;
  readonly recordId: string;
}

const USERS = "/v2/users";

async function seed(db: StagingDb, staged: readonly Staged[], pushed: readonly Pushed[], unmapped: readonly Unmapped[] = []): Promise<void> {
  if (unmapped.length > 0) {
    await db
      .insertInto("unmapped_records")
      .values(unmapped.map((row) => ({ kind: row.kind ?? USERS, record_id: row.recordId, run_id: 1, reason: "jq cannot parse the record: parse error" })))
      .execute();
  }
  if (staged.length > 0) {
    await db
      .insertInto("staged_entities")
      .values(
        staged.map((row) => ({
          blueprint: row.blueprint ?? "user",
          identifier: row.identifier,
          kind: row.kind ?? USERS,
          record_id: row.identifier,
          entity_json: JSON.stringify({ identifier: row.identifier, title: `staged ${row.hash}` }),
          hash: row.hash,
          held_back_reason: row.heldBack ? "bad email" : null,
        })),
      )
      .execute();
  }
  if (pushed.length > 0) {
    await db
      .insertInto("port_snapshot")
      .values(
        pushed.map((row) => ({
          blueprint: row.blueprint ?? "user",
          identifier: row.identifier,
          state: row.hash === PENDING_HASH ? ("pending" as const) : ("confirmed" as const),
          hash: row.hash === PENDING_HASH ? null : row.hash,
          entity_json: JSON.stringify({ identifier: row.identifier, title: `pushed ${row.hash}` }),
          run_id: 1,
          pushed_at: "2024-01-01T00:00:00.000Z",
          source_kind: row.source?.[0] ?? null,
          source_record_id: row.source?.[1] ?? null,
        })),
      )
      .execute();
  }
}

/** What load would do to blueprint `user` with `kinds` selected: the counts, and every page read one identifier at a time. */
async function diffUsers(db: StagingDb, kinds: readonly string[] = [USERS]) {
  const tally = (await tallyStagedEntities(db)).filter((row) => row.blueprint === "user" && kinds.includes(row.kind));
  const sum = (field: "creates" | "updates" | "unchanged" | "heldBack") => tally.reduce((total, row) => total + row[field], 0);
  const create: string[] = [];
  const update: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const [row] = await listUpsertPage(db, { blueprint: "user", kinds, after, limit: 1 });
    if (!row) break;
    (row.isCreate ? create : update).push(row.identifier);
    after = row.identifier;
  }
  const deletions: string[] = [];
  after = undefined;
  for (let page = 0; page < 100; page += 1) {
    const [identifier] = await listDeletionPage(db, { blueprint: "user", after, limit: 1 });
    if (identifier === undefined) break;
    deletions.push(identifier);
    after = identifier;
  }
  const [snapshot] = await tallySnapshot(db, ["user"]);
  return {
    counts: {
      creates: sum("creates"),
      updates: sum("updates"),
      unchanged: sum("unchanged"),
      heldBack: sum("heldBack"),
      deletions: snapshot?.deletions ?? 0,
      kept: (snapshot?.unmapped ?? 0) + (snapshot?.heldBack ?? 0),
    },
    create,
    update,
    deletions,
  };
}

describe("the load's diff in SQLite", () => {
  it.each([
    {
      name: "creates entities Port does not hold",
      staged: [{ identifier: "a", hash: "h1" }],
      pushed: [],
      expected: { create: ["a"], update: [], deletions: [], unchanged: 0, heldBack: 0 },
    },
    {
      name: "updates entities whose hash differs from the pushed one",
      staged: [{ identifier: "a", hash: "h2" }],
      pushed: [{ identifier: "a", hash: "h1" }],
      expected: { create: [], update: ["a"], deletions: [], unchanged: 0, heldBack: 0 },
    },
    {
      name: "leaves entities alone whose hash matches",
      staged: [{ identifier: "a", hash: "h1" }],
      pushed: [{ identifier: "a", hash: "h1" }],
      expected: { create: [], update: [], deletions: [], unchanged: 1, heldBack: 0 },
    },
    {
      name: "deletes snapshot entities nothing stages any more",
      staged: [{ identifier: "a", hash: "h1" }],
      pushed: [
        { identifier: "a", hash: "h1" },
        { identifier: "b", hash: "h1" },
      ],
      expected: { create: [], update: [], deletions: ["b"], unchanged: 1, heldBack: 0 },
    },
    {
      name: "re-sends a staged entity whose create is pending and deletes a pending one no longer staged",
      staged: [{ identifier: "a", hash: "h1" }],
      pushed: [
        { identifier: "a", hash: PENDING_HASH },
        { identifier: "b", hash: PENDING_HASH },
      ],
      expected: { create: [], update: ["a"], deletions: ["b"], unchanged: 0, heldBack: 0 },
    },
    {
      name: "neither pushes nor deletes a held-back entity",
      staged: [
        { identifier: "a", hash: "h2", heldBack: true },
        { identifier: "b", hash: "h9", heldBack: true },
      ],
      pushed: [{ identifier: "a", hash: "h1" }],
      expected: { create: [], update: [], deletions: [], unchanged: 0, heldBack: 2 },
    },
    {
      name: "pushes only entities of the selected kinds but protects every staged entity from deletion",
      staged: [
        { identifier: "a", hash: "h2" },
        { identifier: "b", hash: "h2", kind: "/v2/other" },
      ],
      pushed: [
        { identifier: "a", hash: "h1" },
        { identifier: "b", hash: "h1" },
      ],
      expected: { create: [], update: ["a"], deletions: [], unchanged: 0, heldBack: 0 },
    },
    {
      name: "keeps blueprints apart: the same identifier elsewhere neither protects nor counts",
      staged: [{ identifier: "a", hash: "h1", blueprint: "team" }],
      pushed: [
        { identifier: "a", hash: "h1" },
        { identifier: "b", hash: "h1", blueprint: "team" },
      ],
      expected: { create: [], update: [], deletions: ["a"], unchanged: 0, heldBack: 0 },
    },
    {
      name: "lists identifiers in code-unit order, so batches repeat from run to run",
      staged: ["c", "a", "B", "b", "é"].map((identifier) => ({ identifier, hash: "1" })),
      pushed: ["z", "y", "Y"].map((identifier) => ({ identifier, hash: "1" })),
      expected: { create: ["B", "a", "b", "c", "é"], update: [], deletions: ["Y", "y", "z"], unchanged: 0, heldBack: 0 },
    },
  ])("$name", async ({ staged, pushed, expected }) => {
    const { db } = openTestDb();
    await seed(db, staged, pushed);

    const diff = await diffUsers(db);

    expect({ create: diff.create, update: diff.update, deletions: diff.deletions, unchanged: diff.counts.unchanged, heldBack: diff.counts.heldBack }).toEqual(expected);
    // The counts the plan is made of agree with the pages the loader sends.
    expect([diff.counts.creates, diff.counts.updates, diff.counts.deletions]).toEqual([expected.create.length, expected.update.length, expected.deletions.length]);
  });

  it("counts per blueprint and kind, and the snapshot per blueprint asked for", async () => {
    const { db } = openTestDb();
    await seed(
      db,
      [
        { identifier: "a", hash: "1" },
        { identifier: "b", hash: "2", kind: "/v2/more-users" },
        { identifier: "t", hash: "1", blueprint: "team", kind: "/v2/teams", heldBack: true },
      ],
      [
        { identifier: "b", hash: "1" },
        { identifier: "gone", hash: "1", blueprint: "team" },
        { identifier: "x", hash: "1", blueprint: "other" },
      ],
    );

    expect(await tallyStagedEntities(db)).toEqual([
      { blueprint: "team", kind: "/v2/teams", creates: 0, updates: 0, unchanged: 0, heldBack: 1 },
      { blueprint: "user", kind: "/v2/more-users", creates: 0, updates: 1, unchanged: 0, heldBack: 0 },
      { blueprint: "user", kind: USERS, creates: 1, updates: 0, unchanged: 0, heldBack: 0 },
    ]);
    expect(await tallySnapshot(db, ["team", "user", "nothing"])).toEqual([
      { blueprint: "team", entities: 1, deletions: 1, unmapped: 0, heldBack: 0 },
      { blueprint: "user", entities: 1, deletions: 0, unmapped: 0, heldBack: 0 },
    ]);
    expect(await tallySnapshot(db, [])).toEqual([]);
  });

  it.each([
    {
      name: "keeps an entity whose source record was read but could not be mapped",
      staged: [],
      pushed: [{ identifier: "a", hash: "h1", source: [USERS, "r-a"] as const }],
      unmapped: [{ recordId: "r-a" }],
      expected: { deletions: [], counts: { deletions: 0, kept: 1 } },
    },
    {
      name: "deletes an entity whose source record maps fine (renamed: it stages another identifier now)",
      staged: [{ identifier: "b", hash: "h1" }],
      pushed: [{ identifier: "a", hash: "h1", source: [USERS, "b"] as const }],
      unmapped: [],
      expected: { deletions: ["a"], counts: { deletions: 1, kept: 0 } },
    },
    {
      name: "deletes an entity whose record of the same id is unmapped under another kind",
      staged: [],
      pushed: [{ identifier: "a", hash: "h1", source: [USERS, "r-a"] as const }],
      unmapped: [{ kind: "/v2/other", recordId: "r-a" }],
      expected: { deletions: ["a"], counts: { deletions: 1, kept: 0 } },
    },
    {
      name: "deletes an entity of no known record (read from Port by reconcile) that nothing stages",
      staged: [],
      pushed: [{ identifier: "a", hash: "h1" }],
      unmapped: [{ recordId: "a" }],
      expected: { deletions: ["a"], counts: { deletions: 1, kept: 0 } },
    },
    {
      name: "keeps an entity Port holds whose new version is held back",
      staged: [{ identifier: "a", hash: "h2", heldBack: true }],
      pushed: [{ identifier: "a", hash: "h1", source: [USERS, "a"] as const }],
      unmapped: [],
      expected: { deletions: [], counts: { deletions: 0, kept: 1 } },
    },
  ])("sorts the snapshot for the deletion rule: $name", async ({ staged, pushed, unmapped, expected }) => {
    const { db } = openTestDb();
    await seed(db, staged, pushed, unmapped);

    const diff = await diffUsers(db);

    expect({ deletions: diff.deletions, counts: { deletions: diff.counts.deletions, kept: diff.counts.kept } }).toEqual(expected);
  });

  it("pages after the last identifier read, up to the limit, with each row's JSON and hash", async () => {
    const { db } = openTestDb();
    const identifiers = Array.from({ length: 7 }, (_, i) => `u${i}`);
    await seed(
      db,
      identifiers.map((identifier) => ({ identifier, hash: "2" })),
      ["u1", "u4", "u8", "u9"].map((identifier) => ({ identifier, hash: "1" })),
    );

    const first = await listUpsertPage(db, { blueprint: "user", kinds: [USERS], after: undefined, limit: 3 });
    const second = await listUpsertPage(db, { blueprint: "user", kinds: [USERS], after: "u2", limit: 3 });

    expect(first).toEqual([
      { identifier: "u0", entityJson: '{"identifier":"u0","title":"staged 2"}', hash: "2", isCreate: true },
      { identifier: "u1", entityJson: '{"identifier":"u1","title":"staged 2"}', hash: "2", isCreate: false },
      { identifier: "u2", entityJson: '{"identifier":"u2","title":"staged 2"}', hash: "2", isCreate: true },
    ]);
    expect(second.map((row) => row.identifier)).toEqual(["u3", "u4", "u5"]);
    expect(await listUpsertPage(db, { blueprint: "user", kinds: [], after: undefined, limit: 3 })).toEqual([]);
    expect(await listDeletionPage(db, { blueprint: "user", after: "u8", limit: 3 })).toEqual(["u9"]);
  });
});
