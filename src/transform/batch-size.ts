// Every jq process costs a start (~30 ms in jq 1.6) and a fork of this process, so batches hold
// thousands of records; they aim at BATCH_CHARS of payload (sized from the previous batch's records,
// within record-count bounds), so memory stays the same however many records a kind has and
// however large its records are.
const BATCH_CHARS = 8 * 1024 * 1024;
export const FIRST_BATCH_RECORDS = 1000;
const MAX_BATCH_RECORDS = 5000;

/** How many records the next batch reads, from the payload length and record count of the last one. */
export function sizeNextBatch(payloadChars: number, records: number): number {
  const perRecord = Math.max(1, payloadChars / Math.max(1, records));
  return Math.min(MAX_BATCH_RECORDS, Math.max(FIRST_BATCH_RECORDS, Math.floor(BATCH_CHARS / perRecord)));
}
