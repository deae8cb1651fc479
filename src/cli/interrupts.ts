import { constants } from "node:os";

/**
 * A signal arriving this soon after the first is the same request delivered twice, not a second
 * Ctrl-C: a terminal signals its whole foreground process group and pnpm relays the signal to its
 * child as well, so `pnpm etl run` receives one Ctrl-C (or one `timeout` SIGTERM) twice within a
 * few milliseconds. A person pressing Ctrl-C again takes far longer.
 */
export const DUPLICATE_WINDOW_MS = 500;

/** What to do with a SIGINT or SIGTERM. */
export type SignalAction =
  /** The first: stop after the batch in hand, record the run interrupted, print the summary, exit 0. */
  | { readonly type: "stop-after-batch" }
  /** The first one again, relayed by a parent process or the terminal. */
  | { readonly type: "ignore" }
  /** A second request: release the lock and exit now with 128 + the signal's number (130, 143). */
  | { readonly type: "stop-now"; readonly exitCode: number };

/** Decides what a signal means given when the first one came (undefined: this is the first). */
export function decideSignal(signal: NodeJS.Signals, firstAt: number | undefined, now: number): SignalAction {
  if (firstAt === undefined) return { type: "stop-after-batch" };
  if (now - firstAt < DUPLICATE_WINDOW_MS) return { type: "ignore" };
  return { type: "stop-now", exitCode: 128 + (constants.signals[signal] ?? 0) };
}

export interface InterruptHandlerIo {
  readonly abort: () => void;
  readonly write: (text: string) => void;
  readonly exit: (code: number) => never;
  readonly now: () => number;
}

export interface InterruptHandler {
  /** Handles one SIGINT or SIGTERM. */
  onSignal(signal: NodeJS.Signals): void;
  /** Registers a synchronous cleanup run before an immediate exit; returns its unregister. */
  atForcedExit(cleanup: () => void): () => void;
}

/**
 * One handler for SIGINT and SIGTERM, on a terminal or not: the first aborts the run (it finishes the
 * batch in hand and ends as interrupted), a duplicate delivery is ignored, a later one runs the
 * registered cleanups synchronously (releasing the staging file's lock) and exits at once.
 */
export function createInterruptHandler(io: InterruptHandlerIo): InterruptHandler {
  let firstAt: number | undefined;
  const cleanups = new Set<() => void>();
  return {
    onSignal(signal) {
      const action = decideSignal(signal, firstAt, io.now());
      if (action.type === "ignore") return;
      if (action.type === "stop-after-batch") {
        firstAt = io.now();
        io.write(`\n${signal}: finishing the current batch, then stopping (send again to stop at once)\n`);
        io.abort();
        return;
      }
      for (const cleanup of cleanups) {
        try {
          cleanup();
        } catch (error) {
          io.write(`${signal}: could not release the staging file: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
      io.write(`\n${signal} again: stopped at once (the staging file's lock is released; the next run repairs what this one left)\n`);
      io.exit(action.exitCode);
    },
    atForcedExit(cleanup) {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
  };
}
