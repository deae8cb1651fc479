// The webhook crash test (issue 15): serve SIGKILLed at seeded moments while the Incident.io sandbox
// streams signed events and redelivers, as Svix does, every one not answered 2xx.
//   CI:     one seed inside `pnpm test`.
//   Soak:   WEBHOOK_CRASH_SEEDS=20 pnpm exec vitest run test/faults/webhook-crash.test.ts
//   Replay: WEBHOOK_CRASH_SEED=7 pnpm exec vitest run test/faults/webhook-crash.test.ts
import { afterAll, describe, expect, it } from "vitest";
import { runCrashSeed, type CrashOutcome } from "./webhook-crash";

// A seed takes well under a minute: a cold run, four or five starts of serve, a few hundred events, a reference run.
const SEED_BUDGET_MS = 120_000;

function readSeeds(env: NodeJS.ProcessEnv): number[] {
  const single = env["WEBHOOK_CRASH_SEED"];
  if (single !== undefined) return [Number(single)];
  return Array.from({ length: Number(env["WEBHOOK_CRASH_SEEDS"] ?? 1) }, (_, index) => index + 1);
}

const seeds = readSeeds(process.env);
const outcomes: CrashOutcome[] = [];

afterAll(() => {
  const sum = (pick: (outcome: CrashOutcome) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
  if (outcomes.length === 0) return;
  console.log(
    `webhook crash test: ${outcomes.length} seeds, ${sum((o) => o.kills)} SIGKILLs, ${sum((o) => o.events)} events, ${sum((o) => o.redeliveries)} redeliveries, ` +
      `${sum((o) => o.duplicateDeliveries)} deliveries of events already answered 2xx, ${sum((o) => o.outOfOrderRecords)} records delivered out of order, ` +
      `${sum((o) => o.crashWindowRepeats)} crash-window repeat writes, ${sum((o) => o.appliedTwice)} applied twice, ${Math.round(sum((o) => o.durationMs) / 1000)} s`,
  );
});

describe("serve under SIGKILL with Svix-style redelivery", () => {
  it.each(seeds)(
    "seed %i: Port ends exact, every event is in the inbox once and applied, none is applied twice, and out-of-order deliveries leave the newer state",
    async (seed) => {
      const outcome = await runCrashSeed(seed);
      outcomes.push(outcome);
      const replay = `replay with WEBHOOK_CRASH_SEED=${seed} pnpm exec vitest run test/faults/webhook-crash.test.ts`;
      expect(outcome.problems, [replay, ...outcome.history].join("\n")).toEqual([]);
      expect(outcome.kills).toBeGreaterThanOrEqual(3);
    },
    SEED_BUDGET_MS,
  );
});
