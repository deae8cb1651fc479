import { closeSync, constants, existsSync, fchmodSync, openSync, readSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Kyselify } from "drizzle-orm/kysely";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import { startBackgroundCheckpoints } from "./background-checkpoints";
import { ConfigError, DamagedStagingFileError, StagingFileError } from "../src/errors";
import { PACKAGE_ROOT } from "../src/package-files";
import { programName } from "../src/program-name";
import type {
  extractStatus,
  loadErrors,
  locks,
  mappingErrors,
  pendingBlueprints,
  portBinding,
  portMapping,
  portSnapshot,
  rawRecords,
  rejectedItems,
  relationCheckTargets,
  relationChecks,
  relationIssues,
  runStages,
  runs,
  stagedEntities,
  transformedKinds,
  transformedRecords,
  unmappedRecords,
  webhookIgnored,
  webhookInbox,
} from "./schema";

/** The staging database as Kysely sees it: one entry per table of `db/schema.ts`. */
export interface Database {
  runs: Kyselify<typeof runs>;
  run_stages: Kyselify<typeof runStages>;
  raw_records: Kyselify<typeof rawRecords>;
  extract_status: Kyselify<typeof extractStatus>;
  rejected_items: Kyselify<typeof rejectedItems>;
  staged_entities: Kyselify<typeof stagedEntities>;
  mapping_errors: Kyselify<typeof mappingErrors>;
  unmapped_records: Kyselify<typeof unmappedRecords>;
  relation_issues: Kyselify<typeof relationIssues>;
  relation_checks: Kyselify<typeof relationChecks>;
  relation_check_targets: Kyselify<typeof relationCheckTargets>;
  transformed_kinds: Kyselify<typeof transformedKinds>;
  transformed_records: Kyselify<typeof transformedRecords>;
  port_snapshot: Kyselify<typeof portSnapshot>;
  port_binding: Kyselify<typeof portBinding>;
  port_mapping: Kyselify<typeof portMapping>;
  load_errors: Kyselify<typeof loadErrors>;
  pending_blueprints: Kyselify<typeof pendingBlueprints>;
  locks: Kyselify<typeof locks>;
  webhook_inbox: Kyselify<typeof webhookInbox>;
  webhook_ignored: Kyselify<typeof webhookIgnored>;
}

export type StagingDb = Kysely<Database>;

export interface OpenedDatabase {
  readonly db: StagingDb;
  /** The underlying connection, for the few places that need SQLite itself (file checks, pragmas in tests). */
  readonly sqlite: BetterSqlite3.Database;
  readonly path: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Checkpoint the WAL from a worker thread rather than inside this connection's commits (see startBackgroundCheckpoints): for the stages that write hundreds of MB. */
  readonly backgroundCheckpoints?: boolean;
  /**
   * `etl status`: open an existing file read-only (no chmod, no migration, no pragma that writes);
   * a file that needs a migration is refused with a StagingFileError saying which command migrates it.
   */
  readonly readonly?: boolean;
}

// Resolved from this file, not from the working directory, so the CLI works from anywhere.
const MIGRATIONS = join(PACKAGE_ROOT, "migrations");

/** Prepared statements kept per SQL text: the hot inserts (one per page or batch) repeat the same text. */
const STATEMENT_CACHE_SIZE = 64;

/**
 * Hands Kysely a connection that reuses prepared statements, since Kysely prepares every query anew and
 * preparing a 50-row insert costs more than running it. Safe because Kysely runs one query at a time
 * on this connection and never keeps a statement across queries.
 */
function cachingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        // Re-inserting keeps the map in least-recently-used order.
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Opens (creating if needed) the SQLite staging file at `path` (`:memory:` for tests), owner-only
 * (mode 0600: it holds the organization's data), in WAL mode, and applies pending migrations. An
 * existing file is checked first (`PRAGMA quick_check`). With `readonly`, the file must exist and is
 * neither changed nor migrated. Throws StagingFileError for a damaged file, a dangling symlink, or
 * (read-only) a file that needs a migration.
 */
export function openDatabase(path: string, options: OpenOptions = {}): OpenedDatabase {
  const readonly = options.readonly === true && path !== ":memory:";
  if (path !== ":memory:") checkStagingPath(path);
  const existed = path !== ":memory:" && prepareStagingFile(path, readonly);
  const sqlite = openConnection(path, readonly);
  try {
    if (existed) checkStagingFile(sqlite, path);
    // A second process (status while a run is loading) waits briefly for a write lock instead of failing at once.
    sqlite.pragma("busy_timeout = 5000");
    if (readonly) {
      checkMigrated(sqlite, path);
    } else {
      // Payloads are 1-4 KiB: with 16 KiB pages they stay inside their b-tree page instead of spilling to
      // overflow pages, which halves the cost of storing a page of records. Takes effect for new files only.
      sqlite.pragma("page_size = 16384");
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      sqlite.pragma("foreign_keys = ON");
      migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
    }
  } catch (error) {
    sqlite.close();
    throw isCorruption(error) ? damaged(path, (error as Error).message, error) : error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  const checkpoints = options.backgroundCheckpoints && path !== ":memory:" ? startBackgroundCheckpoints(sqlite, path) : undefined;
  return {
    db,
    sqlite,
    path,
    close: async () => {
      await checkpoints?.stop();
      // Kysely's destroy() closes the better-sqlite3 connection it was given.
      await db.destroy();
    },
  };
}

/** What the file system says about a --db path, as far as judging it goes. */
export interface StagingPathFacts {
  /** What is at the path (through symlinks); "missing" also for a dangling symlink. */
  readonly target: "missing" | "file" | "directory" | "other";
  /** The file's first 16 bytes (fewer when it is shorter); empty for an empty file. */
  readonly header: Uint8Array;
  /** What its folder is. */
  readonly folder: "directory" | "missing" | "not-directory";
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");
const POINT_ELSEWHERE = "point --db/ETL_DB at the staging file, or at a new file in an existing folder to start one";

/**
 * Why `path` cannot be the staging file, as one `--db: ...` line naming the path and the fix; undefined
 * when it can: a new file in an existing folder, an empty file, or a file that starts as SQLite's do.
 */
export function judgeStagingPath(path: string, facts: StagingPathFacts): string | undefined {
  const folder = dirname(path);
  if (facts.target === "directory") return `--db: ${path} is a folder, not a file; point --db/ETL_DB at a file in it, e.g. ${path.replace(/\/+$/, "")}/etl.sqlite`;
  if (facts.target === "other") return `--db: ${path} is not a regular file; ${POINT_ELSEWHERE}`;
  if (facts.target === "missing" && facts.folder === "missing") {
    return `--db: the folder ${folder} (of ${path}) does not exist; create the folder or point --db/ETL_DB at an existing one`;
  }
  if (facts.target === "missing" && facts.folder === "not-directory") return `--db: ${folder} (of ${path}) is not a folder; ${POINT_ELSEWHERE}`;
  if (facts.target === "file" && facts.header.length > 0 && !Buffer.from(facts.header).equals(SQLITE_HEADER)) {
    return `--db: ${path} is not a SQLite file (it does not start with SQLite's header), so it is not a staging file; ${POINT_ELSEWHERE}`;
  }
  return undefined;
}

function readHeader(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    return header.subarray(0, readSync(fd, header, 0, header.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The path's stat, or undefined when nothing is there (ENOTDIR: a component of the path is a file). */
function statIfAny(path: string): ReturnType<typeof statSync> {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * Throws naming the path and the fix when `path` cannot be the staging file (see judgeStagingPath):
 * StagingFileError for a file that is not SQLite, ConfigError for a folder or a missing one.
 */
function checkStagingPath(path: string): void {
  const at = statIfAny(path);
  const folder = at ? undefined : statIfAny(dirname(path));
  const facts: StagingPathFacts = {
    target: !at ? "missing" : at.isDirectory() ? "directory" : at.isFile() ? "file" : "other",
    header: at?.isFile() && at.size > 0 ? readHeader(path) : new Uint8Array(),
    folder: at || folder?.isDirectory() ? "directory" : folder ? "not-directory" : "missing",
  };
  const problem = judgeStagingPath(path, facts);
  if (problem && facts.target === "file") throw new StagingFileError(path, problem);
  if (problem) throw new ConfigError([problem]);
}

/**
 * Makes sure the file at `path` exists (created owner-only) and is owner-only, and says whether it
 * existed. The mode is set through a descriptor opened with O_NOFOLLOW: a path that is a symlink
 * (a staging file kept on another volume) is opened through, but its target's mode is left as its
 * owner set it, never chmod'ed on the word of whoever could write the link. Read-only: nothing changes.
 */
function prepareStagingFile(path: string, readonly: boolean): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") {
      if (!existsSync(path)) {
        throw new StagingFileError(path, `staging file ${path} is a symlink to a file that does not exist; point --db at the file itself, or at a new path to start a fresh staging file`);
      }
      return true;
    }
    if (code === "ENOENT" && !readonly) {
      // "wx" fails rather than follow a symlink created meanwhile.
      closeSync(openSync(path, "wx", 0o600));
      return false;
    }
    throw error;
  }
  try {
    if (!readonly) fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
  return true;
}

function openConnection(path: string, readonly: boolean): BetterSqlite3.Database {
  try {
    return new BetterSqlite3(path, readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (error) {
    throw isCorruption(error) ? damaged(path, (error as Error).message, error) : error;
  }
}

/** SQLite's own verdict on a file it could open: "file is not a database", "database disk image is malformed". */
function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB");
}

/** `PRAGMA quick_check` (the b-trees and their pages, without cross-checking indexes: linear in the file's size). */
function checkStagingFile(sqlite: BetterSqlite3.Database, path: string): void {
  const problems = (sqlite.pragma("quick_check") as { quick_check: string }[]).map((row) => row.quick_check);
  if (problems.length === 1 && problems[0] === "ok") return;
  throw damaged(path, `${problems.length} problems, the first: ${problems[0] ?? "unknown"}`);
}

/**
 * `error` as the DamagedStagingFileError naming `path` and the fix when it is SQLite finding the file
 * damaged after it was opened (quick_check does not cross-check indexes, and pages can go bad during a
 * run); any other error as it is.
 */
export function asDamagedStagingFile(error: unknown, path: string): unknown {
  return isCorruption(error) ? damaged(path, (error as Error).message, error) : error;
}

function damaged(path: string, finding: string, cause?: unknown): DamagedStagingFileError {
  return new DamagedStagingFileError(
    path,
    `staging file ${path} is damaged (SQLite quick_check: ${finding}). Restore it from a backup, or move it aside ` +
      `(mv ${path} ${path}.damaged, with its -wal and -shm files) and run again with --reconcile: the new file is ` +
      "filled by re-reading everything from Incident.io, and the reconcile rebuilds from Port what Port holds",
    cause === undefined ? undefined : { cause },
  );
}

/** Read-only opens cannot migrate: a file an older release wrote is refused with the command that migrates it. */
function checkMigrated(sqlite: BetterSqlite3.Database, path: string): void {
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS });
  const latest = Math.max(0, ...expected.map((migration) => migration.folderMillis));
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get() !== undefined;
  const applied = hasTable ? (sqlite.prepare("SELECT max(created_at) AS at FROM __drizzle_migrations").get() as { at: number | null }).at : null;
  if (applied !== null && Number(applied) >= latest) return;
  throw new StagingFileError(
    path,
    `staging file ${path} was written by an earlier release and must be migrated before status can read it (status never writes to it); ` +
      `run ${programName()} plan --db ${path} once (it migrates the file and sends nothing to Port), then status again`,
  );
}
