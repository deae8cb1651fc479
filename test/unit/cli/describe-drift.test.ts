import { describe, expect, it } from "vitest";
import { describeDrift } from "../../../src/cli/summary-table";
import type { LoadSummary } from "../../../src/model/summary";

const LOAD: LoadSummary = { runId: 1, blueprints: [], requests: { entityWrites: 0, other: 0 }, durationMs: 0, dryRun: false };
const REMOVED = { blueprint: "incidentioAlert", kind: "/v2/alerts", entities: 300, deleted: 0 } as const;

describe("describeDrift", () => {
  it.each([
    { name: "nothing to say", load: LOAD, expected: [] },
    {
      name: "a reconcile that repaired drift",
      load: { ...LOAD, reconcile: { reason: "schedule", ran: true, complete: true, drifted: 2, lastReconciledAt: null } },
      expected: ["Reconciled with Port (the last one is older than ETL_RECONCILE_EVERY_HOURS): 2 entities deleted or edited in Port by hand pushed again"],
    },
    {
      name: "a reconcile of part of the mapping",
      load: { ...LOAD, reconcile: { reason: "requested", ran: true, complete: false, drifted: 1, lastReconciledAt: null } },
      expected: ["Reconciled with Port (asked for): 1 entity deleted or edited in Port by hand pushed again; not every blueprint of the mapping was read, so the next load reconciles again"],
    },
    {
      name: "a reconcile due in a plan",
      load: { ...LOAD, dryRun: true, reconcile: { reason: "never-reconciled", ran: false, complete: false, drifted: 0, lastReconciledAt: null } },
      expected: [
        "A reconcile with Port is due (never reconciled): the next run or load reads Port first and repairs what was deleted or edited there by hand; plan --reconcile shows it now",
      ],
    },
    {
      name: "a removed resource not asked to be deleted",
      load: { ...LOAD, removedResources: [{ ...REMOVED, deleteBlock: "not-requested" }] },
      expected: ["incidentioAlert: 300 entities in Port from a resource no longer in the mapping (/v2/alerts); rerun with --delete-removed-resources to delete them"],
    },
    {
      name: "a removed resource over the threshold",
      load: { ...LOAD, removedResources: [{ ...REMOVED, kind: null, entities: 1, deleteBlock: "threshold" }] },
      expected: ["incidentioAlert: 1 entity in Port from a resource no longer in the mapping; not deleted: more than entityDeletionThreshold of the blueprint, add --allow-mass-delete"],
    },
    {
      name: "a removed resource deleted",
      load: { ...LOAD, removedResources: [{ ...REMOVED, deleted: 300 }] },
      expected: ["incidentioAlert: 300 entities in Port from a resource no longer in the mapping (/v2/alerts); deleted 300"],
    },
  ] satisfies { name: string; load: LoadSummary; expected: string[] }[])("$name", ({ load, expected }) => {
    expect(describeDrift(load)).toEqual(expected);
  });
});
