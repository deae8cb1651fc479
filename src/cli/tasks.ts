import { DefaultRenderer, Listr, type ListrTaskWrapper, type SimpleRenderer } from "listr2";
import type { Progress, ProgressEvent } from "../model/progress";
import type { Stage } from "../model/stage";
import { listKindCounts } from "./plain-progress";
import { REDRAW_INTERVAL_MS, redrawDelay } from "./redraw-pace";

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function defer(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * listr2's default renderer redraws the whole tree on every title, output and state change (and on each
 * 100 ms spinner tick); stages report a change per page and per batch. This one redraws at most once per
 * REDRAW_INTERVAL_MS, and a change waits at most that long to be drawn. The final tree is drawn by
 * `end()` from the tasks' last state, whatever redraw was still pending.
 */
class PacedRenderer extends DefaultRenderer {
  #lastDrawAt: number | undefined;
  #pending: NodeJS.Timeout | undefined;

  override update(): void {
    if (this.#pending) return;
    const delay = redrawDelay(performance.now(), this.#lastDrawAt, REDRAW_INTERVAL_MS);
    if (delay === 0) this.#draw();
    else {
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        this.#draw();
      }, delay);
    }
  }

  override end(): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
    super.end();
  }

  #draw(): void {
    this.#lastDrawAt = performance.now();
    super.update();
  }
}

type AnyTask = ListrTaskWrapper<unknown, typeof PacedRenderer, typeof SimpleRenderer>;

interface KindState {
  readonly done: Deferred;
  task?: AnyTask;
  lastTitle?: string;
}

interface StageState {
  readonly started: Deferred & { kinds?: readonly string[] };
  readonly ended: Deferred;
  readonly kinds: Map<string, KindState>;
  task?: AnyTask;
  /** Set by finish() for a stage the run never reached (interrupted, or skipped after a failure). */
  notRun?: boolean;
}

function kindTitle(kind: string, event: Extract<ProgressEvent, { type: "kind" }>): string {
  const counts = listKindCounts(event);
  return counts.length > 0 ? `${kind} (${counts.join(", ")})` : kind;
}

/**
 * Progress as a listr2 tree on a terminal: one task per stage, one subtask per kind showing pages,
 * records and changes. The pipeline runs independently and feeds events in; `finish()` settles whatever
 * never started (a stage skipped after a failure) so the renderer always ends.
 */
export function createListrProgress(stages: readonly Stage[]): { progress: Progress; finish(): Promise<void> } {
  const states = new Map<Stage, StageState>(
    stages.map((stage) => [stage, { started: defer(), ended: defer(), kinds: new Map() }]),
  );
  const listr = new Listr<unknown, typeof PacedRenderer, "simple">(
    stages.map((stage) => ({
      title: stage,
      task: async (_ctx: unknown, task: AnyTask) => {
        const state = states.get(stage) as StageState;
        state.task = task;
        await state.started.promise;
        if (state.notRun) {
          task.skip(`${stage}: not run`);
          return undefined;
        }
        const kinds = state.started.kinds ?? [];
        if (kinds.length === 0) {
          await state.ended.promise;
          return undefined;
        }
        return task.newListr(
          kinds.map((kind: string) => ({
            title: kind,
            task: async (_sub: unknown, sub: AnyTask) => {
              const kindState = state.kinds.get(kind) as KindState;
              kindState.task = sub;
              if (kindState.lastTitle) sub.title = kindState.lastTitle;
              await kindState.done.promise;
            },
          })),
          // Subtask lists inherit registerSignalListeners: false from the root.
          { concurrent: true, exitOnError: false },
        );
      },
    })),
    // listr2's own SIGINT listener marks every pending task failed and exits 127 at once, with the lock
    // held; the CLI's handler (interrupts.ts) stops the run instead, and the tree ends with it.
    // Truncating a line measures its width once; wrapping it (the default) measures it again per word,
    // which made each redraw twice as costly. The summary table after the tree has the full figures.
    {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: PacedRenderer,
      rendererOptions: { collapseSubtasks: false, formatOutput: "truncate" },
    },
  );
  const running = listr.run().catch(() => undefined);

  const progress: Progress = {
    report(event) {
      const state = states.get(event.stage);
      if (!state) return;
      switch (event.type) {
        case "stage-start":
          for (const kind of event.kinds) state.kinds.set(kind, { done: defer() });
          Object.assign(state.started, { kinds: event.kinds });
          state.started.resolve();
          return;
        case "stage-end":
          for (const kind of state.kinds.values()) kind.done.resolve();
          state.ended.resolve();
          return;
        case "warning":
          if (state.task) state.task.output = `warning: ${event.message}`;
          return;
        case "kind": {
          const kind = state.kinds.get(event.kind);
          if (!kind) {
            if (state.task) state.task.output = `${kindTitle(event.kind, event)}${event.message ? `: ${event.message}` : ""}`;
            return;
          }
          kind.lastTitle = kindTitle(event.kind, event);
          if (kind.task) kind.task.title = kind.lastTitle;
          if (event.state === "done") kind.done.resolve();
          if (event.state === "failed") kind.done.reject(new Error(`${kind.lastTitle}: ${event.message ?? "failed"}`));
          else if (event.message && kind.task) kind.task.output = event.message;
        }
      }
    },
  };
  return {
    progress,
    finish: async () => {
      for (const state of states.values()) {
        if (state.started.kinds === undefined) state.notRun = true;
        state.started.resolve();
        for (const kind of state.kinds.values()) kind.done.resolve();
        state.ended.resolve();
      }
      await running;
    },
  };
}
