// Batches only bound memory and let the jq processes work while this process writes: jq keeps running
// across batches, so a batch aims at BATCH_BYTES of payload (sized from the previous batch's records,
// within record-count bounds), and memory stays the same however many records a kind has and however
// large its records are.
const BATCH_BYTES = 1024 * 1024;
export const FIRST_BATCH_RECORDS = 250;
const MIN_BATCH_RECORDS = 10;
const MAX_BATCH_RECORDS = 1000;

/** How many records the next batch reads, from the payload bytes and record count of the last one. */
export function sizeNextBatch(payloadBytes: number, records: number): number {
  const perRecord = Math.max(1, payloadBytes / Math.max(1, records));
  return Math.min(MAX_BATCH_RECORDS, Math.max(MIN_BATCH_RECORDS, Math.floor(BATCH_BYTES / perRecord)));
}
