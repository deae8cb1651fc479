import { JqTimeoutError, type JqRunner } from "../jq/jq-runner";
import { interpretRecordOutput, type RecordMapping } from "./interpret-output";
import type { MappingProgram } from "./program";

/** Records as the mapping sees them: their payloads (serialized JSON) joined by newlines, and how many there are. */
export interface RecordBatch {
  readonly count: number;
  readonly payloads: string;
}

async function runBatch(jq: JqRunner, program: MappingProgram, batch: RecordBatch): Promise<RecordMapping[]> {
  const stdout = await jq.runText(program.text, batch.payloads);
  // One line a record; the lines are slices of stdout, not copies.
  const lines = stdout === "" ? [] : stdout.split("\n");
  if (lines.length !== batch.count) {
    throw new Error(`the mapping program printed ${lines.length} lines for ${batch.count} records`);
  }
  return lines.map((line) => interpretRecordOutput(program, JSON.parse(line)));
}

/** Splits a batch in two at a record boundary (payloads are one line each). */
function splitBatch(batch: RecordBatch): [RecordBatch, RecordBatch] {
  const lines = batch.payloads.split("\n");
  const middle = Math.ceil(lines.length / 2);
  return [
    { count: middle, payloads: lines.slice(0, middle).join("\n") },
    { count: lines.length - middle, payloads: lines.slice(middle).join("\n") },
  ];
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
export async function mapRecords(jq: JqRunner, program: MappingProgram, batch: RecordBatch): Promise<RecordMapping[]> {
  if (batch.count === 0) return [];
  try {
    return await runBatch(jq, program, batch);
  } catch (error) {
    if (error instanceof JqTimeoutError) throw error;
    if (batch.count === 1) return [failRecord(error instanceof Error ? error.message.trim() : String(error))];
    const [head, tail] = splitBatch(batch);
    return [...(await mapRecords(jq, program, head)), ...(await mapRecords(jq, program, tail))];
  }
}
