import { JqTimeoutError, type JqRunner } from "../jq/jq-runner";
import { interpretRecordOutput, type RecordMapping } from "./interpret-output";
import type { MappingProgram } from "./program";

/** A raw record as the mapping sees it: its id and its payload, already serialized JSON. */
export interface RawRecord {
  readonly recordId: string;
  readonly payload: string;
}

async function runBatch(jq: JqRunner, program: MappingProgram, records: readonly RawRecord[]): Promise<RecordMapping[]> {
  const stdout = await jq.runText(program.text, records.map((r) => r.payload).join("\n"));
  const lines = stdout === "" ? [] : stdout.split("\n");
  if (lines.length !== records.length) {
    throw new Error(`the mapping program printed ${lines.length} lines for ${records.length} records`);
  }
  return lines.map((line) => interpretRecordOutput(program, JSON.parse(line)));
}

function failRecord(message: string): RecordMapping {
  return { entities: [], filtered: 0, skipped: 0, problems: [{ field: "record", expression: "(the whole mapping)", message }] };
}

/**
 * Runs a resource's program over a batch of records in one jq process and returns what each record
 * mapped to, in order. Every expression is guarded, so a batch fails only on something outside any
 * expression (a record that is not an object under itemsToParse, say); then the batch is split in
 * halves until the failing records are alone, and each of those is reported as failed, while the
 * others map normally. Throws only when jq times out.
 */
export async function mapRecords(jq: JqRunner, program: MappingProgram, records: readonly RawRecord[]): Promise<RecordMapping[]> {
  if (records.length === 0) return [];
  try {
    return await runBatch(jq, program, records);
  } catch (error) {
    if (error instanceof JqTimeoutError) throw error;
    if (records.length === 1) return [failRecord(error instanceof Error ? error.message.trim() : String(error))];
    const middle = Math.ceil(records.length / 2);
    const first = await mapRecords(jq, program, records.slice(0, middle));
    const second = await mapRecords(jq, program, records.slice(middle));
    return [...first, ...second];
  }
}
