// Every jq process costs a start (~30 ms) and a fork of this process, after which each page this
// process writes faults once (copy-on-write): a few large batches cost far less than many small
// ones. Batches aim at BATCH_CHARS of payload, sized from the previous batch's records and within
// record-count bounds, so memory stays the same however many records a kind has.
const BATCH_CHARS = 16 * 1024 * 1024;
export const FIRST_BATCH_RECORDS = 1000;
const MAX_BATCH_RECORDS = 20_000;

/** How many records the next batch reads, from the payload length and record count of the last one. */
export function sizeNextBatch(payloadChars: number, records: number): number {
  const perRecord = Math.max(1, payloadChars / Math.max(1, records));
  return Math.min(MAX_BATCH_RECORDS, Math.max(FIRST_BATCH_RECORDS, Math.floor(BATCH_CHARS / perRecord)));
}
