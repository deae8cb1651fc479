import type { Stage } from "./stage";

/** What stages report while they work; the CLI renders it (listr2 on a TTY, plain lines otherwise). */
export type ProgressEvent =
  | { readonly type: "stage-start"; readonly stage: Stage; readonly kinds: readonly string[] }
  | {
      readonly type: "kind";
      readonly stage: Stage;
      readonly kind: string;
      /** Counters so far (not increments). */
      readonly pages?: number;
      readonly records?: number;
      readonly entities?: number;
      readonly changes?: number;
      readonly state: "running" | "done" | "failed";
      readonly message?: string;
    }
  | { readonly type: "stage-end"; readonly stage: Stage; readonly ok: boolean }
  | { readonly type: "warning"; readonly stage: Stage; readonly message: string };

/** The port stages report progress through. */
export interface Progress {
  report(event: ProgressEvent): void;
}

/** A Progress that discards everything (the default outside the CLI). */
export const SILENT_PROGRESS: Progress = { report: () => undefined };
