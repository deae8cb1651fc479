// Two jq processes a program, one a core, so that jq keeps both cores busy while this process stages
// what came back; each start costs about 20 ms of this process's time (fork and exec), which a
// second process repays only when it has a few thousand records to map.
const MAX_JQ_PROCESSES = 2;
const RECORDS_FOR_SECOND_PROCESS = 2000;

/** How many jq processes map a kind of `records` raw records. */
export function countJqProcesses(records: number): number {
  return records > RECORDS_FOR_SECOND_PROCESS ? MAX_JQ_PROCESSES : 1;
}
