import { JqTimeoutError, type JqRunner, type JqStream } from "../jq/jq-runner";
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

/** What the program printed for one record, read; undefined when it cannot be read (mapRecords then decides). */
function readStreamedRecord(program: MappingProgram, output: string | undefined): RecordMapping | undefined {
  if (output === undefined) return undefined;
  try {
    return interpretRecordOutput(program, JSON.parse(output));
  } catch {
    return undefined;
  }
}

/**
 * Maps records with a stream running the resource's program (`program.text`), in order. A record the
 * stream has no readable result for (jq failed on it, died, or printed something unexpected) is
 * mapped again with mapRecords, with the others in that case, so every record ends exactly as
 * mapRecords would leave it. Throws only when jq times out.
 */
export async function mapStreamedRecords(stream: JqStream, jq: JqRunner, program: MappingProgram, payloads: readonly Buffer[]): Promise<RecordMapping[]> {
  const outputs = await stream.map(payloads);
  const mappings = outputs.map((output) => readStreamedRecord(program, output));
  const missing = mappings.flatMap((mapping, index) => (mapping === undefined ? [index] : []));
  if (missing.length === 0) return mappings as RecordMapping[];
  const remapped = await mapRecords(jq, program, {
    count: missing.length,
    payloads: missing.map((index) => (payloads[index] as Buffer).toString("utf8")).join("\n"),
  });
  missing.forEach((index, position) => {
    mappings[index] = remapped[position];
  });
  return mappings as RecordMapping[];
}
