import { chmodSync, closeSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { asDamagedStagingFile, openDatabase } from "../../../db/database";
import { DamagedStagingFileError, StagingFileError } from "../../../src/errors";
import { makeTempDir } from "../../helpers/temp-dir";

const PAGE = 16384;
const OLD_SCHEMA = fileURLToPath(new URL("../../fixtures/staging/schema-0000.sqlite.gz", import.meta.url));

/** A closed staging file of about 100 pages, in WAL mode and checkpointed. */
async function makeStagingFile(path: string): Promise<void> {
  const opened = openDatabase(path);
  opened.sqlite.exec("CREATE TABLE filler (text TEXT)");
  const insert = opened.sqlite.prepare("INSERT INTO filler VALUES (?)");
  opened.sqlite.transaction(() => {
    for (let i = 0; i < 5000; i += 1) insert.run(`${"x".repeat(300)}${i}`);
  })();
  // Into the main file, so that the pages overwritten below are the table's.
  opened.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await opened.close();
}

function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

function openingError(path: string, options?: { readonly?: boolean }): unknown {
  try {
    openDatabase(path, options).sqlite.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("openDatabase", () => {
  it("refuses a file with damaged pages, naming the file and the two ways out", async () => {
    const path = join(makeTempDir("etl-open-"), "etl.sqlite");
    await makeStagingFile(path);
    overwrite(path, Math.floor(statSync(path).size / PAGE / 2) * PAGE, Buffer.alloc(3 * PAGE, 0x41));

    const error = openingError(path);

    expect(error).toBeInstanceOf(DamagedStagingFileError);
    expect((error as DamagedStagingFileError).path).toBe(path);
    expect((error as Error).message).toContain(`staging file ${path} is damaged`);
    expect((error as Error).message).toContain("Restore it from a backup");
    expect((error as Error).message).toContain(`mv ${path} ${path}.damaged`);
  });

  it("refuses a file that starts as SQLite's do but holds no database", () => {
    const path = join(makeTempDir("etl-open-"), "etl.sqlite");
    const bytes = Buffer.alloc(4 * PAGE, 0x5a);
    bytes.write("SQLite format 3\0", 0, "latin1");
    writeFileSync(path, bytes, { mode: 0o600 });

    expect(openingError(path)).toBeInstanceOf(DamagedStagingFileError);
  });

  it("opens a sound existing file and makes it owner-only", async () => {
    const path = join(makeTempDir("etl-open-"), "etl.sqlite");
    await makeStagingFile(path);
    chmodSync(path, 0o644);

    await openDatabase(path).close();

    expect(mode(path)).toBe(0o600);
  });

  it("opens a file through a symlink without changing the mode of the link's target", async () => {
    const dir = makeTempDir("etl-open-");
    const target = join(dir, "shared.sqlite");
    await makeStagingFile(target);
    chmodSync(target, 0o640);
    const link = join(dir, "etl.sqlite");
    symlinkSync(target, link);

    const opened = openDatabase(link);
    expect(opened.sqlite.prepare("SELECT count(*) AS n FROM filler").get()).toEqual({ n: 5000 });
    await opened.close();

    expect(mode(target)).toBe(0o640);
  });

  it("refuses a symlink whose target does not exist instead of creating it", () => {
    const dir = makeTempDir("etl-open-");
    const link = join(dir, "etl.sqlite");
    symlinkSync(join(dir, "missing.sqlite"), link);

    const error = openingError(link);

    expect(error).toBeInstanceOf(StagingFileError);
    expect((error as Error).message).toContain("is a symlink to a file that does not exist");
  });

  it("opens read-only without changing the file's mode or content", async () => {
    const path = join(makeTempDir("etl-open-"), "etl.sqlite");
    await makeStagingFile(path);
    chmodSync(path, 0o644);
    const before = readFileSync(path);

    const opened = openDatabase(path, { readonly: true });
    expect(opened.sqlite.readonly).toBe(true);
    expect(() => opened.sqlite.exec("DELETE FROM filler")).toThrow(/readonly/);
    await opened.close();

    expect(mode(path)).toBe(0o644);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("refuses read-only a file that needs a migration, saying which command migrates it, and leaves it as it was", () => {
    const path = join(makeTempDir("etl-open-"), "etl.sqlite");
    const old = gunzipSync(readFileSync(OLD_SCHEMA));
    writeFileSync(path, old, { mode: 0o600 });

    const error = openingError(path, { readonly: true });

    expect(error).toBeInstanceOf(StagingFileError);
    expect((error as Error).message).toContain(`run pnpm etl plan --db ${path} once`);
    expect(readFileSync(path).equals(old)).toBe(true);
  });

  it.each([
    { code: "SQLITE_CORRUPT", damaged: true },
    { code: "SQLITE_CORRUPT_INDEX", damaged: true },
    { code: "SQLITE_NOTADB", damaged: true },
    { code: "SQLITE_BUSY", damaged: false },
    { code: undefined, damaged: false },
  ])("names the file and the fix when SQLite finds damage later ($code)", ({ code, damaged }) => {
    const error = Object.assign(new Error("database disk image is malformed"), { code });

    const result = asDamagedStagingFile(error, "/data/etl.sqlite");

    expect(result instanceof DamagedStagingFileError).toBe(damaged);
    if (damaged) expect((result as Error).message).toContain("staging file /data/etl.sqlite is damaged");
    else expect(result).toBe(error);
  });
});
