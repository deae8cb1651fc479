import { expect } from "vitest";
import type { PortSandbox } from "../../src/sandbox/port/server";
import { runCli, type CliResult } from "../helpers/cli-process";
import { queryStagingFile } from "../helpers/sync-world";
import type { PrismServer } from "./prism-server";

// A run against Prism reads a few pages per kind; far longer than that means it hangs.
const RUN_TIMEOUT_MS = 60_000;

/** Runs the CLI as a child process, killed after a minute, so that a hang fails the test instead of stalling the suite. */
export function runProduct(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<CliResult> {
  return runCli(args, { ...env, CI: "true" }, RUN_TIMEOUT_MS);
}

/** The run ended by itself, with a stage's verdict (0 or 1), not with a crash, a bad configuration or a kill. */
export function expectEndedCleanly(result: CliResult): void {
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.signal, `killed after ${RUN_TIMEOUT_MS / 1000} s: the run hung\n${output}`).toBeNull();
  expect([0, 1], `exit code ${result.code}\n${output}`).toContain(result.code);
  // The CLI prints "unexpected error" for anything that is not one of its typed errors; a crash prints a stack.
  expect(output).not.toMatch(/unexpected error|Unhandled|^\s+at .+:\d+:\d+\)?$/m);
}

/** Prism saw requests, and none of them broke the spec: the product's requests are what the API accepts. */
export function expectNoRequestViolations(prism: PrismServer): void {
  expect(prism.requests().length, prism.log()).toBeGreaterThan(0);
  expect(prism.requestViolations(), "Prism's validator complained about the product's requests").toEqual([]);
}

/**
 * Prism's log names a request that breaks the spec, sent here on purpose: without this check, a Prism
 * whose log reads differently would make every "no violation" assertion pass on nothing.
 */
export async function expectViolationDetected(prism: PrismServer, path: string, init: RequestInit, pattern: RegExp): Promise<void> {
  const before = prism.requestViolations().length;
  const answer = await fetch(`${prism.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  await answer.body?.cancel();
  await expect.poll(() => prism.requestViolations().slice(before), { timeout: 5_000 }).toContainEqual(expect.stringMatching(pattern));
}

/** Deletes the Port sandbox received after its first `since` requests (entity deletions, one-by-one or in bulk). */
export function deletesSince(port: PortSandbox, since: number): string[] {
  return port.requests
    .slice(since)
    .filter((r) => r.method === "DELETE" || /\/bulk\/entities\/delete$/.test(r.path))
    .map((r) => `${r.method} ${r.path}`);
}

interface ExtractStatusRow {
  readonly kind: string;
  readonly status: string;
  readonly endpoint: string | null;
  readonly cursor: string | null;
  readonly error: string | null;
  readonly pages: number;
  readonly records: number;
}

/** extract_status of the last run that extracted. */
export function readExtractStatus(dbPath: string): ExtractStatusRow[] {
  return queryStagingFile<ExtractStatusRow>(
    dbPath,
    "SELECT kind, status, endpoint, cursor, error, pages, records FROM extract_status WHERE run_id = (SELECT max(run_id) FROM extract_status) ORDER BY kind",
  );
}

/** What a staging file recorded as going wrong, table by table: each row says where (kind and endpoint, record, field or entity). */
interface RecordedErrors {
  readonly failedKinds: readonly ExtractStatusRow[];
  readonly rejectedItems: readonly { kind: string; endpoint: string; cursor: string | null; position: number; reason: string }[];
  readonly mappingErrors: readonly { kind: string; record_id: string; field: string; message: string }[];
  readonly unmappedRecords: readonly { kind: string; record_id: string; reason: string }[];
  readonly loadErrors: readonly { blueprint: string; identifier: string; operation: string; message: string }[];
  /** Staged entities kept from Port because Port would refuse them (as of the last transform). */
  readonly heldBack: readonly { blueprint: string; identifier: string; held_back_reason: string }[];
}

/** Every error the runs since `sinceRunId` recorded in the staging file. */
export function readRecordedErrors(dbPath: string, sinceRunId: number): RecordedErrors {
  const rows = <T>(sql: string) => queryStagingFile<T>(dbPath, sql, sinceRunId);
  return {
    failedKinds: rows("SELECT kind, status, endpoint, cursor, error, pages, records FROM extract_status WHERE run_id > ? AND status = 'failed'"),
    rejectedItems: rows("SELECT kind, endpoint, cursor, position, reason FROM rejected_items WHERE run_id > ?"),
    mappingErrors: rows("SELECT kind, record_id, field, message FROM mapping_errors WHERE run_id > ?"),
    unmappedRecords: rows("SELECT kind, record_id, reason FROM unmapped_records WHERE run_id > ?"),
    loadErrors: rows("SELECT blueprint, identifier, operation, message FROM load_errors WHERE run_id > ?"),
    heldBack: queryStagingFile(dbPath, "SELECT blueprint, identifier, held_back_reason FROM staged_entities WHERE held_back_reason IS NOT NULL"),
  };
}

/** The id of the last run in a staging file (0 when none). */
export function lastRunId(dbPath: string): number {
  return queryStagingFile<{ id: number | null }>(dbPath, "SELECT max(id) AS id FROM runs")[0]?.id ?? 0;
}

/**
 * Each recorded error names where it happened: a failed kind its endpoint and message, an item its page
 * and position, a mapping error its record and field, a refused or held-back entity its blueprint and identifier.
 */
export function expectErrorsLocated(errors: RecordedErrors): void {
  for (const kind of errors.failedKinds) {
    expect(kind.endpoint, `failed kind ${kind.kind} names no endpoint: ${kind.error}`).toMatch(/^\//);
    expect(kind.error, `failed kind ${kind.kind} says nothing`).toMatch(/\S/);
  }
  for (const item of errors.rejectedItems) {
    expect(item.endpoint).toMatch(/^\//);
    expect(item.position).toBeGreaterThanOrEqual(0);
    expect(item.reason).toMatch(/\S/);
  }
  for (const error of errors.mappingErrors) {
    expect([error.record_id, error.field, error.message].every((v) => v.length > 0), JSON.stringify(error)).toBe(true);
  }
  for (const record of errors.unmappedRecords) expect([record.record_id, record.reason].every((v) => v.length > 0), JSON.stringify(record)).toBe(true);
  for (const error of errors.loadErrors) expect([error.blueprint, error.identifier, error.message].every((v) => v.length > 0), JSON.stringify(error)).toBe(true);
  for (const entity of errors.heldBack) expect([entity.blueprint, entity.identifier, entity.held_back_reason].every((v) => v.length > 0), JSON.stringify(entity)).toBe(true);
}
