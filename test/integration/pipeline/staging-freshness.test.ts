import { describe, expect, it } from "vitest";
import type { StagingDb } from "../../../db/database";
import type { ResourceMapping } from "../../../src/model/mapping";
import { refuseUntransformedExtracts } from "../../../src/pipeline/staging-freshness";
import { openTestDb } from "../../helpers/open-test-db";

const RESOURCES = [
  { kind: "/v2/users", name: "users" },
  { kind: "/v2/alerts", name: "alerts" },
] as unknown as ResourceMapping[];

interface Step {
  readonly run: number;
  readonly extract?: { readonly kind: string; readonly records: number; readonly mode?: "full" | "incremental"; readonly status?: string };
  readonly transform?: readonly string[];
}

async function record(db: StagingDb, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    const at = `2026-12-07T10:${String(step.run).padStart(2, "0")}:00.000Z`;
    if (step.extract) {
      const { kind, records, mode = "full", status = "complete" } = step.extract;
      await db.insertInto("extract_status").values({ run_id: step.run, kind, mode, status, records, started_at: at, finished_at: at }).execute();
    }
    if (step.transform) {
      const summary = { kinds: step.transform.map((kind) => ({ kind })) };
      await db.insertInto("run_stages").values({ run_id: step.run, stage: "transform", status: "succeeded", started_at: at, finished_at: at, summary_json: JSON.stringify(summary) }).execute();
    }
  }
}

async function verdict(steps: readonly Step[]): Promise<string> {
  const { db } = openTestDb();
  await record(db, steps);
  return refuseUntransformedExtracts(db, RESOURCES).then(
    () => "ok",
    (error: unknown) => (error as Error).message,
  );
}

describe("refuseUntransformedExtracts over a real staging file", () => {
  it.each<{ name: string; steps: readonly Step[]; says: string }>([
    { name: "nothing extracted yet", steps: [], says: "ok" },
    { name: "a run that extracted and transformed", steps: [{ run: 1, extract: { kind: "/v2/users", records: 3 }, transform: ["/v2/users"] }], says: "ok" },
    {
      name: "an extract after the last transform",
      steps: [{ run: 1, extract: { kind: "/v2/users", records: 3 }, transform: ["/v2/users"] }, { run: 2, extract: { kind: "/v2/alerts", records: 5 } }],
      says: "nothing has been transformed since the last extract at 10:02 UTC (alerts); run transform first: pnpm etl transform",
    },
    {
      name: "an incremental extract that changed nothing",
      steps: [{ run: 1, extract: { kind: "/v2/users", records: 3 }, transform: ["/v2/users"] }, { run: 2, extract: { kind: "/v2/users", records: 0, mode: "incremental" } }],
      says: "ok",
    },
    {
      name: "an extract still running",
      steps: [{ run: 1, extract: { kind: "/v2/users", records: 3 }, transform: ["/v2/users"] }, { run: 2, extract: { kind: "/v2/users", records: 9, status: "running" } }],
      says: "ok",
    },
    {
      name: "a later transform of that kind",
      steps: [{ run: 1, extract: { kind: "/v2/users", records: 3 } }, { run: 2, transform: ["/v2/users"] }],
      says: "ok",
    },
  ])("says $says after $name", async ({ steps, says }) => {
    expect(await verdict(steps)).toBe(says);
  });
});
