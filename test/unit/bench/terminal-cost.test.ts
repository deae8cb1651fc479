import { describe, expect, it } from "vitest";
import { compareDemoRuns, quoteForShell, type DemoRun } from "../../../bench/terminal-cost";

const run = (mode: DemoRun["mode"], wallSeconds: number, cpuSeconds: number): DemoRun => ({ mode, wallSeconds, cpuSeconds });

describe("compareDemoRuns", () => {
  it.each<{ name: string; runs: DemoRun[]; expected: ReturnType<typeof compareDemoRuns> }>([
    {
      name: "one run each compares them directly",
      runs: [run("piped", 4, 5), run("terminal", 4.4, 5.25)],
      expected: { terminal: { wallSeconds: 4.4, cpuSeconds: 5.25 }, piped: { wallSeconds: 4, cpuSeconds: 5 }, wallRatio: 1.1, cpuRatio: 1.05 },
    },
    {
      name: "a run slowed by the machine's other work does not move the median",
      runs: [run("piped", 4, 5), run("terminal", 4, 5), run("piped", 9, 6), run("terminal", 4.2, 5.5), run("piped", 4.2, 5.5), run("terminal", 4.4, 6)],
      expected: { terminal: { wallSeconds: 4.2, cpuSeconds: 5.5 }, piped: { wallSeconds: 4.2, cpuSeconds: 5.5 }, wallRatio: 1, cpuRatio: 1 },
    },
    {
      name: "an even number of runs takes the mean of the middle two",
      runs: [run("piped", 2, 2), run("piped", 4, 4), run("terminal", 6, 6), run("terminal", 10, 10)],
      expected: { terminal: { wallSeconds: 8, cpuSeconds: 8 }, piped: { wallSeconds: 3, cpuSeconds: 3 }, wallRatio: 8 / 3, cpuRatio: 8 / 3 },
    },
  ])("$name", ({ runs, expected }) => {
    const compared = compareDemoRuns(runs);
    expect(compared.terminal).toEqual(expected.terminal);
    expect(compared.piped).toEqual(expected.piped);
    expect([compared.wallRatio, compared.cpuRatio].map((ratio) => ratio.toFixed(6))).toEqual([expected.wallRatio, expected.cpuRatio].map((ratio) => ratio.toFixed(6)));
  });
});

describe("quoteForShell", () => {
  it.each([
    { name: "plain words are quoted as they are", argv: ["node", "--import", "tsx"], expected: "'node' '--import' 'tsx'" },
    { name: "a path with spaces stays one word", argv: ["/opt/my node/bin/node", "demo"], expected: "'/opt/my node/bin/node' 'demo'" },
    { name: "shell characters are not expanded", argv: ["$HOME", "a;b", "`x`", '"q"'], expected: `'$HOME' 'a;b' '\`x\`' '"q"'` },
    { name: "a single quote closes, escapes and reopens", argv: ["it's"], expected: "'it'\\''s'" },
  ])("$name", ({ argv, expected }) => {
    expect(quoteForShell(argv)).toBe(expected);
  });
});
