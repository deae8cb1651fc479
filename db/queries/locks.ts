import type BetterSqlite3 from "better-sqlite3";
import type { StagingDb } from "../database";

export interface LockOwner {
  /** Unique per process invocation: `<hostname>:<pid>:<random>`. */
  readonly owner: string;
  readonly pid: number;
  readonly hostname: string;
}

export type AcquireResult = { readonly acquired: true } | { readonly acquired: false; readonly holder: string };

/**
 * Takes the named lock for `me`, unless a live holder has it. A holder is considered dead when its
 * heartbeat is older than `staleAfterMs` or (same host) its pid no longer exists, so a SIGKILLed run
 * does not lock the file forever. Compare-and-swap on the owner keeps two takers from both winning.
 */
export async function acquireLock(
  db: StagingDb,
  name: string,
  me: LockOwner,
  now: Date,
  staleAfterMs: number,
  isPidAlive: (pid: number) => boolean,
): Promise<AcquireResult> {
  const stamp = now.toISOString();
  const inserted = await db
    .insertInto("locks")
    .values({ name, owner: me.owner, pid: me.pid, acquired_at: stamp, heartbeat_at: stamp })
    .onConflict((oc) => oc.column("name").doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { acquired: true };

  const current = await db.selectFrom("locks").selectAll().where("name", "=", name).executeTakeFirst();
  if (!current) return acquireLock(db, name, me, now, staleAfterMs, isPidAlive);
  const sameHost = current.owner.startsWith(`${me.hostname}:`);
  const stale = now.getTime() - Date.parse(current.heartbeat_at) > staleAfterMs || (sameHost && !isPidAlive(current.pid));
  const holder = `pid ${current.pid}${sameHost ? "" : ` on ${current.owner.split(":")[0]}`}, since ${current.acquired_at}`;
  if (!stale) return { acquired: false, holder };
  const taken = await db
    .updateTable("locks")
    .set({ owner: me.owner, pid: me.pid, acquired_at: stamp, heartbeat_at: stamp })
    .where("name", "=", name)
    .where("owner", "=", current.owner)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1 ? { acquired: true } : { acquired: false, holder };
}

/** Refreshes the heartbeat of a lock `owner` holds. */
export async function heartbeatLock(db: StagingDb, name: string, owner: string, now: Date): Promise<void> {
  await db.updateTable("locks").set({ heartbeat_at: now.toISOString() }).where("name", "=", name).where("owner", "=", owner).execute();
}

/** Releases a lock if `owner` still holds it. */
export async function releaseLock(db: StagingDb, name: string, owner: string): Promise<void> {
  await db.deleteFrom("locks").where("name", "=", name).where("owner", "=", owner).execute();
}

/**
 * Releases a lock if `owner` still holds it, synchronously on the raw connection: for a process about
 * to exit at once (a second Ctrl-C), where no promise would run. A transaction left open by the work in
 * hand is rolled back first, as exiting would, so that the release itself is committed.
 */
export function releaseLockNow(sqlite: BetterSqlite3.Database, name: string, owner: string): void {
  if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
  sqlite.prepare("DELETE FROM locks WHERE name = ? AND owner = ?").run(name, owner);
}
