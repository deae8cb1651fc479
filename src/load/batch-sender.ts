import type { StagingDb } from "../../db/database";
import type { LoadErrorRow } from "../../db/queries/load-errors";
import { HttpError } from "../errors";
import type { BatchOutcome } from "./batches";
import type { LoadTally } from "./load-tally";

/** Port's answer for every item of a batch it took (confirmed or refused one by one). */
export type SettledOutcome = Extract<BatchOutcome, { type: "settled" }>;

/** One kind of bulk request (upserts or deletes of one blueprint), as the sender needs it. */
export interface BatchRequest<T> {
  readonly blueprint: string;
  readonly operation: LoadErrorRow["operation"];
  identifierOf(item: T): string;
  /** Sends the items in one request and reads Port's answer; throws HttpError when Port cannot be reached. */
  send(items: readonly T[]): Promise<BatchOutcome>;
  /** Records Port's answer for the items. */
  settle(items: readonly T[], outcome: SettledOutcome): Promise<void>;
}

/**
 * Sends bulk batches for one load run: a batch Port finds too large (413) goes again in halves, and
 * a batch Port cannot be reached for (after the client's retries) is recorded as failed, item by
 * item. The first such failure is fatal, so the run starts no new batch; a signal that cut a wait
 * short is not (the run stops as interrupted).
 */
export class BatchSender {
  readonly #db: StagingDb;
  readonly #tally: LoadTally;
  #fatal: HttpError | undefined;

  constructor(db: StagingDb, tally: LoadTally) {
    this.#db = db;
    this.#tally = tally;
  }

  /** The error that made Port unreachable, once one did. */
  get fatal(): HttpError | undefined {
    return this.#fatal;
  }

  /** Sends `items` with `request`, in halves as long as Port asks for smaller batches. Throws only unexpected faults. */
  async send<T>(request: BatchRequest<T>, items: readonly T[]): Promise<void> {
    let outcome: BatchOutcome;
    try {
      outcome = await request.send(items);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (!error.interrupted) this.#fatal ??= error;
      // Port may or may not have written them: what the snapshot says of them stays, so the next run sends them again.
      const rows = items.map((item) => ({ blueprint: request.blueprint, identifier: request.identifierOf(item), operation: request.operation, status: error.status ?? null, message: error.message }));
      await this.#tally.recordFailures(this.#db, rows);
      return;
    }
    if (outcome.type === "split") {
      const half = Math.ceil(items.length / 2);
      await this.send(request, items.slice(0, half));
      await this.send(request, items.slice(half));
      return;
    }
    await request.settle(items, outcome);
  }
}
