import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Kyselify } from "drizzle-orm/kysely";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import { startBackgroundCheckpoints } from "./background-checkpoints";
import type {
  extractStatus,
  loadErrors,
  locks,
  mappingErrors,
  pendingBlueprints,
  portBinding,
  portSnapshot,
  rawRecords,
  rejectedItems,
  relationIssues,
  runStages,
  runs,
  stagedEntities,
  unmappedRecords,
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
  port_snapshot: Kyselify<typeof portSnapshot>;
  port_binding: Kyselify<typeof portBinding>;
  load_errors: Kyselify<typeof loadErrors>;
  pending_blueprints: Kyselify<typeof pendingBlueprints>;
  locks: Kyselify<typeof locks>;
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
}

// Resolved from this file, not from the working directory, so the CLI works from anywhere.
const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

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
 * (mode 0600: it holds the organization's data), in WAL mode, and applies pending migrations.
 */
export function openDatabase(path: string, options: OpenOptions = {}): OpenedDatabase {
  if (path !== ":memory:") {
    if (!existsSync(path)) closeSync(openSync(path, "wx", 0o600));
    chmodSync(path, 0o600);
  }
  const sqlite = new BetterSqlite3(path);
  // Payloads are 1-4 KiB: with 16 KiB pages they stay inside their b-tree page instead of spilling to
  // overflow pages, which halves the cost of storing a page of records. Takes effect for new files only.
  sqlite.pragma("page_size = 16384");
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  // A second process (status while a run is loading) waits briefly for a write lock instead of failing at once.
  sqlite.pragma("busy_timeout = 5000");
  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
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
