import { describe, expect, it } from "vitest";
import { parseProcStatus, sumTreeRss, type ProcessStatus } from "../../../bench/process-tree";

/** /proc/<pid>/status as Linux writes it, trimmed to the lines around the ones read. */
function statusText(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}:\t${value}`)
    .join("\n");
}

const NODE = statusText({ Name: "node", State: "S (sleeping)", Tgid: "4100", Pid: "4100", PPid: "4090", TracerPid: "0", VmHWM: "251000 kB", VmRSS: "   204800 kB", RssAnon: "150000 kB" });
const JQ = statusText({ Name: "jq", State: "R (running)", Pid: "4200", PPid: "4100", TracerPid: "0", VmRSS: "    10240 kB" });
const ZOMBIE = statusText({ Name: "jq", State: "Z (zombie)", Pid: "4201", PPid: "4100", TracerPid: "0" });

describe("parseProcStatus", () => {
  it.each([
    { name: "node's status gives its pid, parent and VmRSS (not VmHWM)", text: NODE, expected: { pid: 4100, ppid: 4090, rssKb: 204_800 } },
    { name: "TracerPid is not taken for the Pid", text: JQ, expected: { pid: 4200, ppid: 4100, rssKb: 10_240 } },
    { name: "a zombie has no VmRSS and counts 0", text: ZOMBIE, expected: { pid: 4201, ppid: 4100, rssKb: 0 } },
    { name: "a process that ended before it was read gives nothing", text: "", expected: undefined },
    { name: "a text without a parent gives nothing", text: statusText({ Name: "x", Pid: "7", VmRSS: "1 kB" }), expected: undefined },
  ])("$name", ({ text, expected }) => {
    expect(parseProcStatus(text)).toEqual(expected);
  });
});

const p = (pid: number, ppid: number, rssKb: number): ProcessStatus => ({ pid, ppid, rssKb });

describe("sumTreeRss", () => {
  it.each<{ name: string; snapshot: ProcessStatus[]; root: number; expected: number | undefined }>([
    { name: "node alone is its own RSS", snapshot: [p(100, 1, 200_000)], root: 100, expected: 200_000 },
    { name: "node and its jq children add up", snapshot: [p(100, 1, 200_000), p(101, 100, 10_000), p(102, 100, 12_000)], root: 100, expected: 222_000 },
    {
      name: "script, its shell, node and jq count as one tree",
      snapshot: [p(10, 1, 2_000), p(11, 10, 1_000), p(12, 11, 200_000), p(13, 12, 10_000)],
      root: 10,
      expected: 213_000,
    },
    { name: "a grandchild listed before its parent still counts", snapshot: [p(100, 1, 200_000), p(102, 101, 5_000), p(101, 100, 10_000)], root: 100, expected: 215_000 },
    { name: "the root's parent and siblings are left out", snapshot: [p(1, 0, 9_000), p(100, 1, 200_000), p(150, 1, 50_000)], root: 100, expected: 200_000 },
    { name: "a reused pid whose parent is elsewhere is left out", snapshot: [p(100, 1, 200_000), p(101, 77, 80_000)], root: 100, expected: 200_000 },
    { name: "a root that has ended gives nothing", snapshot: [p(101, 100, 10_000)], root: 100, expected: undefined },
  ])("$name", ({ snapshot, root, expected }) => {
    expect(sumTreeRss(snapshot, root)).toBe(expected);
  });
});
