import type { StagingDb } from "../../db/database";
import { recordLoadErrors, type LoadErrorRow } from "../../db/queries/load-errors";
import type { LoadFailure } from "../model/summary";

/** Refused entities listed in the summary; all of them are in load_errors. */
const MAX_LISTED_FAILURES = 100;

export interface BlueprintCounts {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
}

/** A load run's running counts per blueprint and the failures the summary lists. */
export class LoadTally {
  readonly counts = new Map<string, BlueprintCounts>();
  readonly failures: LoadFailure[] = [];
  readonly #runId: number;

  constructor(runId: number) {
    this.#runId = runId;
  }

  /** The counts of one blueprint, started at zero on first use. */
  of(blueprint: string): BlueprintCounts {
    let found = this.counts.get(blueprint);
    if (!found) {
      found = { created: 0, updated: 0, deleted: 0, failed: 0 };
      this.counts.set(blueprint, found);
    }
    return found;
  }

  /** Records refused entities in load_errors (through `db`, which may be a transaction) and counts them as failed. */
  async recordFailures(db: StagingDb, rows: readonly LoadErrorRow[]): Promise<void> {
    await recordLoadErrors(db, this.#runId, rows);
    for (const row of rows) {
      this.of(row.blueprint).failed += 1;
      if (this.failures.length < MAX_LISTED_FAILURES) this.failures.push({ ...row, status: row.status ?? undefined });
    }
  }
}
