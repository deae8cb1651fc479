import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";

/**
 * Moves WAL checkpoints off the connection that writes. SQLite checkpoints inside the commit that
 * pushes the WAL past its threshold: the copy into the database file and its fsync (about half a
 * second for the 100 MB a large kind stages) then stop this thread, and with it the jq processes
 * waiting for their next batch. A worker thread with a connection of its own checkpoints instead,
 * concurrently with the writer (WAL allows it), while the writer's connection never does.
 */
export interface BackgroundCheckpoints {
  /** Stops the worker (after the checkpoint it is running) and gives the writer back its own checkpoints. */
  stop(): Promise<void>;
}

// Often enough that the WAL stays a few tens of MB while a stage writes hundreds; a checkpoint with
// nothing new to copy costs microseconds.
const INTERVAL_MS = 250;
const BUSY_TIMEOUT_MS = 5000;
// SQLite's default threshold (pages), restored on stop.
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// The worker is plain CommonJS evaluated from this text, so it runs the same under tsx, in tests and
// in the Docker image, with no file of its own to resolve.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = ${BUSY_TIMEOUT_MS}");
let stopping = false;
const tick = () => {
  if (stopping) return;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // A busy or locked file: the next tick tries again, and the writer's connection checkpoints once stopped.
  }
  setTimeout(tick, ${INTERVAL_MS});
};
parentPort.on("message", () => {
  stopping = true;
  db.close();
  parentPort.close();
});
tick();
`;

/**
 * Starts checkpointing `path` from a worker thread and stops `sqlite` (the writer's connection to the
 * same file, in WAL mode) from checkpointing itself. For a file on disk only: `:memory:` has no WAL.
 */
export function startBackgroundCheckpoints(sqlite: BetterSqlite3.Database, path: string): BackgroundCheckpoints {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver } });
  // Checkpoints are an optimisation: a worker that fails leaves them to the writer again.
  const exited = new Promise<void>((resolve) => {
    worker.once("exit", () => resolve());
    worker.once("error", () => {
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
  });
  // A process that forgets to stop it still exits.
  worker.unref();
  sqlite.pragma("wal_autocheckpoint = 0");
  return {
    async stop() {
      // Held until the worker has closed its connection, or the process could end before stop() returns.
      worker.ref();
      worker.postMessage("stop");
      await exited;
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    },
  };
}
