import { JqTimeoutError, type JqRunner, type JqStream } from "../jq/jq-runner";
import { interpretRecordOutput, type RecordMapping } from "./interpret-output";
import type { MappingProgram } from "./program";

/** Records as the mapping sees them: their payloads (serialized JSON) joined by newlines, and how many there are. */
interface RecordBatch {
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

// jq 1.6 and 1.7 stop parsing at 256 levels (MAX_PARSING_DEPTH, src/jv_parse.c), where an array
// counts one and an object two around each member's value (the parser stacks the key too); jq 1.8
// allows 10,000. A record alone may use all 256: a stream's frame takes one level, and a record the
// stream cannot read is mapped again alone.
const DEPTH_LIMIT = /Exceeds depth limit for parsing/;
const PARSE_ERROR = /^(?:jq: error \(at [^)]*\): )?parse error: /m;

/** Why jq gave nothing for a record, from what it printed on stderr. */
export function describeJqFailure(message: string): string {
  if (DEPTH_LIMIT.test(message)) return "jq cannot parse the record: it is nested deeper than the 256 levels jq 1.6 and 1.7 read (an object counts two levels)";
  if (PARSE_ERROR.test(message)) return `jq cannot parse the record: ${message}`;
  return `jq failed on the record: ${message}`;
}

function failRecord(message: string): RecordMapping {
  return { entities: [], filtered: 0, skipped: 0, problems: [{ field: "record", expression: "(the whole mapping)", message }], failure: describeJqFailure(message) };
}

/**
 * Runs a resource's program over a batch of records in one jq process and returns what each record
 * mapped to, in order. Every expression is guarded, so a batch fails only on something outside any
 * expression (a record that is not an object under itemsToParse, say); then the batch is split in
 * halves until the failing records are alone, and each of those is reported as failed, while the
 * others map normally. Throws only when jq times out.
 */
async function mapRecords(jq: JqRunner, program: MappingProgram, batch: RecordBatch): Promise<RecordMapping[]> {
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

/** What a stream gave for a record: the program's output, to read when the record is staged, or its mapping when it was mapped again. */
export type StreamedRecord = string | RecordMapping;

/**
 * Maps records with a stream running the resource's program (`program.text`), in order. Records the
 * stream has no result for (jq failed on them or died) are mapped again, together, with mapRecords.
 * The other records keep their output unread, so that reading it (readStreamedRecord) happens as each
 * is staged and its objects die young. Throws only when jq times out.
 */
export async function mapStreamedRecords(stream: JqStream, jq: JqRunner, program: MappingProgram, payloads: readonly string[]): Promise<StreamedRecord[]> {
  const outputs = await stream.map(payloads);
  const missing = outputs.flatMap((output, index) => (output === undefined ? [index] : []));
  if (missing.length === 0) return outputs as string[];
  const remapped = await mapRecords(jq, program, { count: missing.length, payloads: missing.map((index) => payloads[index] as string).join("\n") });
  const records: StreamedRecord[] = outputs.map((output) => output ?? "");
  missing.forEach((index, position) => {
    records[index] = remapped[position] as RecordMapping;
  });
  return records;
}

/**
 * A streamed record's mapping: its output read with interpretRecordOutput; when the program printed
 * something it should not have, the record mapped again alone with mapRecords (which reports it).
 * Throws only when jq times out.
 */
export async function readStreamedRecord(jq: JqRunner, program: MappingProgram, record: StreamedRecord, payload: string): Promise<RecordMapping> {
  if (typeof record !== "string") return record;
  try {
    return interpretRecordOutput(program, JSON.parse(record));
  } catch {
    return (await mapRecords(jq, program, { count: 1, payloads: payload }))[0] as RecordMapping;
  }
}
