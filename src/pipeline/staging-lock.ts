import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { acquireLock, heartbeatLock, releaseLock, releaseLockNow, type LockOwner } from "../../db/queries/locks";
import type { OpenedDatabase } from "../../db/database";
import { LockedError } from "../errors";

const LOCK = "pipeline";
const HEARTBEAT_MS = 15_000;
// A holder silent for this long (four missed heartbeats) is presumed dead, even on another host.
const STALE_AFTER_MS = 60_000;

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface HeldLock {
  release(): Promise<void>;
  /** Releases the lock synchronously, for a process that must exit at once; safe to call after release(). */
  releaseNow(): void;
}

/**
 * Takes the staging file's pipeline lock for this process, or throws LockedError naming the holder.
 * While held, a heartbeat keeps it fresh so other processes can tell a live holder from a dead one.
 */
export async function lockStagingFile(opened: Pick<OpenedDatabase, "db" | "sqlite">): Promise<HeldLock> {
  const { db } = opened;
  const me: LockOwner = { owner: `${hostname()}:${process.pid}:${randomUUID()}`, pid: process.pid, hostname: hostname() };
  const result = await acquireLock(db, LOCK, me, new Date(), STALE_AFTER_MS, isPidAlive);
  if (!result.acquired) throw new LockedError(result.holder);
  const timer = setInterval(() => {
    heartbeatLock(db, LOCK, me.owner, new Date()).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await releaseLock(db, LOCK, me.owner);
    },
    releaseNow: () => {
      clearInterval(timer);
      if (opened.sqlite.open) releaseLockNow(opened.sqlite, LOCK, me.owner);
    },
  };
}
