// The fault-injection suite: seeded faults across both sandboxes and SIGKILLs of the product,
// then a clean run that must leave Port exactly as a from-scratch run would.
//   CI:     5 seeds inside `pnpm test`.
//   Soak:   `pnpm test:soak` (FAULT_SEEDS=50), which prints the totals.
//   Replay: FAULT_SEED=17 pnpm exec vitest run test/faults/fault-suite.test.ts
import { afterAll, describe, expect, it } from "vitest";
import { runSeed, RUN_TIMEOUT_MS, type SeedOutcome } from "./harness";
import { FAULT_LABELS } from "./schedule";

const CI_SEEDS = 5;
/** Seeds run at once: each keeps one product process busy, and CI has two cores. */
const LANES = 2;
/** Generous bound on one seed (every run inside it is bounded by RUN_TIMEOUT_MS): at most three faulty runs, a final and a reference run. */
const SEED_BUDGET_MS = 5 * RUN_TIMEOUT_MS;

function readSeeds(env: NodeJS.ProcessEnv): number[] {
  const single = env["FAULT_SEED"];
  if (single !== undefined) return [Number(single)];
  const count = Number(env["FAULT_SEEDS"] ?? CI_SEEDS);
  return Array.from({ length: count }, (_, index) => index + 1);
}

const seeds = readSeeds(process.env);
const outcomes: SeedOutcome[] = [];

/** Lets at most `size` seeds run at a time; the others wait their turn. */
function createLanes(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
const inLane = createLanes(LANES);

function formatTotals(all: readonly SeedOutcome[]): string {
  const injected = FAULT_LABELS.map((label) => ({ label, count: all.reduce((sum, outcome) => sum + outcome.injected[label], 0) }));
  const sum = (pick: (outcome: SeedOutcome) => number): number => all.reduce((total, outcome) => total + pick(outcome), 0);
  return [
    `fault suite: ${all.length} seeds, ${sum((o) => o.runs)} product runs, ${sum((o) => Object.values(o.injected).reduce((a, b) => a + b, 0))} faults injected, ` +
      `${sum((o) => o.injected.sigkill)} SIGKILLs, ${sum((o) => o.mismatches)} mismatches, ${sum((o) => o.unsafeDeletes)} unsafe deletes ` +
      `(${sum((o) => o.failedReads)} failed kind reads, ${sum((o) => o.keptChecks)} entities of unmappable records checked as kept), ` +
      `${Math.round(sum((o) => o.durationMs) / 1000)} s of seed time`,
    ...injected.map(({ label, count }) => `  ${label.padEnd(26)} ${count}`),
  ].join("\n");
}

afterAll(() => {
  if (outcomes.length > 0) console.log(formatTotals(outcomes.sort((a, b) => a.seed - b.seed)));
});

describe("fault injection across both sandboxes", () => {
  it.concurrent.each(seeds)(
    "seed %i: after faulty and killed runs, a clean run leaves Port exactly as a run from scratch, and no run deleted what its source still holds",
    async (seed) => {
      const outcome = await inLane(() => runSeed(seed));
      outcomes.push(outcome);
      const replay = `replay with FAULT_SEED=${seed} pnpm exec vitest run test/faults/fault-suite.test.ts`;
      expect(outcome.problems, [replay, ...outcome.history].join("\n")).toEqual([]);
    },
    SEED_BUDGET_MS * Math.ceil(seeds.length / LANES),
  );
});
