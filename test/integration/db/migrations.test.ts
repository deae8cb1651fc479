import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Migrations are append-only: users keep their staging file for months, and Drizzle's migrator
// applies a file only once, by its journal entry. A landed file that changes (or is regenerated, with a
// new `when`) is never applied to an existing file, whose schema then differs from the code's.
// A new migration is added at the end of this list in the commit that lands it.
const LANDED: readonly { tag: string; when: number; sha256: string }[] = [
  { tag: "0000_init", when: 1795869230696, sha256: "163237587011e6c6951660a43335901ffbe79645c52c890bb3bb6ea3d08c726a" },
  { tag: "0001_trust", when: 1796661449274, sha256: "bb6286eac2cc65e50f6ba4e3d9e6bc8bd487ad9b8720c5b80d9e1e85ee69c617" },
  { tag: "0002_snapshot_state", when: 1796666065770, sha256: "d4378aa7d60f31bc51ad6683a6740818743645f452a93c82afec24931826268d" },
  { tag: "0003_port_mapping", when: 1796671027229, sha256: "78285a7f1ae599beaf7dd49f941d037e864780159f83b6e6582e7771749a5f6d" },
  { tag: "0004_transformed_records", when: 1796671052871, sha256: "785a9ff712181744e36895de5208658cc59c85d69cfd3433572ea10643b5f783" },
  { tag: "0005_relation_checks", when: 1796672132977, sha256: "30d20486ab14746b7b2dfbfd499b8da90eef75f0d1f04369468346f761cba331" },
  { tag: "0006_relation_check_targets", when: 1796673687507, sha256: "3a918e0a5471c5fd454aca6cfae4530ab88a5990d21bc7b27042eee7c075737c" },
  { tag: "0007_diff_indexes", when: 1796676381591, sha256: "9779eb10781f04b9fba0a862fd05a6c56d4270672fff55986bc5abd2f837e042" },
  { tag: "0008_drop_diff_indexes", when: 1796677057824, sha256: "aee42da245ff4ddcb6043085b0d62c2234259c7561e0598dad2017fc3b69b5bc" },
  { tag: "0009_webhook_inbox", when: 1796681179393, sha256: "b64fb98b26321099ab5b701bee0bdb00d0235a06c0a08e82db952c389bf032bc" },
  { tag: "0010_record_indexes", when: 1796681866002, sha256: "fc69899d6a4ce617ae484010c168a2ce5bb8eafdc2cfdd968e761577fddfac71" },
];

const migrationsDir = (path: string) => fileURLToPath(new URL(`../../../migrations/${path}`, import.meta.url));

interface JournalEntry {
  readonly idx: number;
  readonly tag: string;
  readonly when: number;
}

describe("landed migrations", () => {
  const journal = (JSON.parse(readFileSync(migrationsDir("meta/_journal.json"), "utf8")) as { entries: JournalEntry[] }).entries;

  it.each(LANDED.map((landed, idx) => ({ ...landed, idx })))("keeps $tag byte for byte, at its place in the journal", ({ tag, when, sha256, idx }) => {
    const text = readFileSync(migrationsDir(`${tag}.sql`));
    expect(createHash("sha256").update(text).digest("hex"), `${tag}.sql changed after it landed: add a new migration instead`).toBe(sha256);
    expect(journal[idx], `the journal's entry ${idx} changed after it landed`).toMatchObject({ idx, tag, when });
  });

  it("only appends to the journal", () => {
    expect(journal.map((entry) => entry.idx)).toEqual(journal.map((_, index) => index));
    expect(journal.length).toBeGreaterThanOrEqual(LANDED.length);
  });
});
