import { readFileSync } from "node:fs";

/**
 * CPU seconds of the child processes this process started and waited for, from Linux's
 * /proc/self/stat (cutime + cstime); 0 where it cannot be read.
 */
export function readChildCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    // cutime and cstime are fields 16 and 17 of stat(5), counted from the state (field 3), in clock ticks of 1/100 s.
    return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) / 100;
  } catch {
    return 0;
  }
}
