// The memory of the product as the machine sees it: its node process plus the jq processes it runs,
// sampled from Linux's /proc. `process.resourceUsage().maxRSS` covers node alone.
import { readdirSync, readFileSync } from "node:fs";

/** One process as /proc/<pid>/status shows it. */
export interface ProcessStatus {
  readonly pid: number;
  readonly ppid: number;
  /** VmRSS; 0 for a zombie, which has none. */
  readonly rssKb: number;
}

// A process tree of the product is node, jq and `script`'s shell: a listing longer than this is not one.
const MAX_PROCESSES = 1_000;

function integerField(text: string, name: string, unit = ""): number | undefined {
  const match = new RegExp(`^${name}:\\s*(\\d+)${unit}\\s*$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The fields of a /proc/<pid>/status text the tree needs; undefined when it has no Pid or PPid. */
export function parseProcStatus(text: string): ProcessStatus | undefined {
  const pid = integerField(text, "Pid");
  const ppid = integerField(text, "PPid");
  if (pid === undefined || ppid === undefined) return undefined;
  return { pid, ppid, rssKb: integerField(text, "VmRSS", " kB") ?? 0 };
}

/**
 * The RSS of `rootPid` and of the whole tree under it in one snapshot, in kB; undefined when the root is
 * not in it. Only processes whose parents lead to the root count: a pid listed as a child and reused by
 * an unrelated process before its status was read is left out.
 */
export function sumTreeRss(snapshot: readonly ProcessStatus[], rootPid: number): number | undefined {
  const root = snapshot.find((process) => process.pid === rootPid);
  if (!root) return undefined;
  const inTree = new Set([rootPid]);
  let treeKb = root.rssKb;
  // Parents may come after their children in the snapshot: repeat until a pass adds nothing.
  for (let added = true, passes = 0; added && passes < snapshot.length; passes++) {
    added = false;
    for (const process of snapshot) {
      if (inTree.has(process.pid) || !inTree.has(process.ppid)) continue;
      inTree.add(process.pid);
      treeKb += process.rssKb;
      added = true;
    }
  }
  return treeKb;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // The process (or thread) ended since it was listed.
    return undefined;
  }
}

function listChildren(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return threads.flatMap((tid) => (readText(`/proc/${pid}/task/${tid}/children`) ?? "").split(" ").filter(Boolean).map(Number));
}

/** The status of `rootPid` and of every process under it now; empty where /proc cannot be read. */
function readTreeSnapshot(rootPid: number): ProcessStatus[] {
  const snapshot: ProcessStatus[] = [];
  const queue = [rootPid];
  for (let index = 0; index < queue.length && index < MAX_PROCESSES; index++) {
    const pid = queue[index] as number;
    const status = parseProcStatus(readText(`/proc/${pid}/status`) ?? "");
    if (!status) continue;
    snapshot.push(status);
    queue.push(...listChildren(pid));
  }
  return snapshot;
}

/**
 * Samples the RSS of `rootPid`'s process tree every `intervalMs` (the timer does not hold the process
 * open) until `stop()`, which takes a last sample and returns the largest sum seen, in MB; 0 where /proc
 * cannot be read (not Linux).
 */
export function sampleTreeRss(rootPid: number, intervalMs: number): { stop(): number } {
  let peakKb = 0;
  const sample = () => {
    peakKb = Math.max(peakKb, sumTreeRss(readTreeSnapshot(rootPid), rootPid) ?? 0);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peakKb / 1024;
    },
  };
}
