import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors";
import { createJqRunner } from "../../../src/jq/jq-runner";
import { createTestJqRunner, findTestJqPath } from "../../helpers/test-jq";

const scratch = mkdtempSync(join(tmpdir(), "jq-runner-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** True once no process has `marker` on its command line (Linux /proc), polling for at most 2 s. */
async function waitUntilGone(marker: string): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const running = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
      } catch {
        return false;
      }
    });
    if (!running) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("createJqRunner", () => {
  it("reports the version of the jq binary", async () => {
    const jq = await createTestJqRunner();
    expect(jq.version).toMatch(/^1\.\d+/);
  });

  it("throws a ConfigError naming the path when the binary is missing", async () => {
    const missing = join(scratch, "no-such-jq");
    const failure = await createJqRunner(missing).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).message).toContain(missing);
  });

  it("throws a ConfigError when the binary does not answer --version like jq", async () => {
    const impostor = join(scratch, "impostor");
    writeFileSync(impostor, "#!/bin/sh\necho hello\n");
    chmodSync(impostor, 0o755);
    await expect(createJqRunner(impostor)).rejects.toBeInstanceOf(ConfigError);
  });

  it("runs a filter over serialized input and parses the single value", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runJson("{n: (.a + 1), s: .b}", '{"a":1,"b":"x"}')).resolves.toEqual({ n: 2, s: "x" });
  });

  it("returns every value as compact lines from runText", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runText(".[] | {v: .}", "[1,2]")).resolves.toBe('{"v":1}\n{"v":2}');
  });

  it("runs the filter once per value of a multi-value input", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runText(".id", '{"id":"a"}\n{"id":"b"}')).resolves.toBe('"a"\n"b"');
  });

  it("returns nothing for empty input without waiting on jq", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runText(".", "")).resolves.toBe("");
    await expect(jq.runJson(".", "")).resolves.toBeUndefined();
  });

  it("rejects with jq's stderr when the filter does not compile", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runJson(".a |", "{}")).rejects.toThrow(/syntax error|compile error/);
  });

  it("rejects with jq's stderr when the filter fails at run time", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runJson(".a.b", '{"a":1}')).rejects.toThrow(/Cannot index number/);
  });

  it("rejects a run that takes longer than the timeout", async () => {
    // A finite run (a few seconds at most) so that no jq process outlives the test.
    const jq = await createJqRunner(findTestJqPath(), { timeoutMs: 50 });
    await expect(jq.runJson("[range(3000000)] | length", "null")).rejects.toThrow(/did not finish within 50 ms/);
  });

  it("kills jq when a run never ends, so no jq process outlives the timeout", async () => {
    const jq = await createJqRunner(findTestJqPath(), { timeoutMs: 200 });
    const marker = `runaway-${process.pid}-${Date.now()}`;
    await expect(jq.runText(`def f: f; "${marker}" | f`, "null")).rejects.toThrow(/did not finish within 200 ms/);
    expect(await waitUntilGone(marker)).toBe(true);
  });

  it("kills jq when it prints more than the output limit", async () => {
    const jq = await createJqRunner(findTestJqPath(), { maxOutputBytes: 100_000 });
    const marker = `flood-${process.pid}-${Date.now()}`;
    await expect(jq.runText(`"${marker}" | repeat(.)`, "null")).rejects.toThrow(/printed more than 100000 bytes/);
    expect(await waitUntilGone(marker)).toBe(true);
  });

  it("gives jq an empty environment, so a filter cannot read the product's secrets", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runJson("[env, $ENV]", "null")).resolves.toEqual([{}, {}]);
  });

  it("refuses a filter longer than one command-line argument may be", async () => {
    const jq = await createTestJqRunner();
    await expect(jq.runJson(`"${"x".repeat(200_000)}"`, "null")).rejects.toThrow(/limit for one command-line argument/);
  });
});

describe("createJqRunner when jq stops reading its input early", () => {
  it("reports jq's own compile error however large the input", async () => {
    const jq = await createTestJqRunner();
    const input = `${JSON.stringify({ text: "x".repeat(1000) })}\n`.repeat(2000);
    await expect(jq.runText(".a |", input)).rejects.toThrow(/syntax error/);
  });

  it("reports jq's message for unreadable input rather than a broken pipe", async () => {
    const jq = await createTestJqRunner();
    const input = `{"id": oops}\n${`${JSON.stringify({ text: "x".repeat(1000) })}\n`.repeat(2000)}`;
    await expect(jq.runText(".id", input)).rejects.toThrow(/parse error|Invalid/);
  });
});

describe("createJqRunner startStream", () => {
  const inputs = (...values: string[]): string[] => values;
  const FILTER = 'if type == "object" then .n * 2 elif . == "two" then 1, 2 elif . == "none" then empty else error("boom") end';

  it("answers each input of overlapping batches with its output, in order, and keeps jq running between them", async () => {
    const stream = (await createTestJqRunner()).startStream?.(FILTER);
    try {
      const first = stream?.map(inputs('{"n":1}', '{"n":2}'));
      const second = stream?.map(inputs('{"n":3}'));
      await expect(Promise.all([first, second])).resolves.toEqual([["2", "4"], ["6"]]);
      // A batch sent after jq went idle is answered without another batch pushing its output out.
      await expect(stream?.map(inputs('{"n":4}'))).resolves.toEqual(["8"]);
    } finally {
      await stream?.close();
    }
  });

  it("gives no result for an input the filter fails on, gives no or several outputs for, or that is not one JSON value", async () => {
    const stream = (await createTestJqRunner()).startStream?.(FILTER);
    try {
      // The last but one is a damaged record that closes its frame early and opens another.
      const results = stream?.map(inputs('{"n":1}', '"boom"', '"none"', '"two"', "1,2", '{"n":5}] [{"n":6}', '{"n":3}'));
      await expect(results).resolves.toEqual(["2", undefined, undefined, undefined, undefined, undefined, "6"]);
    } finally {
      await stream?.close();
    }
  });

  it("starts a fresh jq for the batches after an input that stopped jq, and leaves the rest of that batch without results", async () => {
    const stream = (await createTestJqRunner()).startStream?.(FILTER);
    try {
      const broken = stream?.map(inputs('{"n":1}', '{"n": oops}', '{"n":2}'));
      const next = stream?.map(inputs('{"n":3}'));
      const [brokenResults, nextResults] = await Promise.all([broken, next]);
      expect(brokenResults?.[1]).toBeUndefined();
      expect(nextResults).toEqual(["6"]);
    } finally {
      await stream?.close();
    }
  });

  it("stops jq on an output line longer than the output limit, gives that input no result, and maps the next batch", async () => {
    const jq = await createJqRunner(findTestJqPath(), { maxOutputBytes: 1000 });
    const stream = jq.startStream?.('if .big then "y" * 2000 else .n end');
    try {
      const results = await stream?.map(inputs('{"n":1}', '{"big":true}'));
      expect(results?.[1]).toBeUndefined();
      await expect(stream?.map(inputs('{"n":2}'))).resolves.toEqual(["2"]);
    } finally {
      await stream?.close();
    }
  });

  it("rejects with JqTimeoutError and kills jq when it prints nothing for the timeout while inputs wait", async () => {
    // The budget also covers starting jq (about 15 ms idle, far more on a loaded machine).
    const jq = await createJqRunner(findTestJqPath(), { timeoutMs: 1500 });
    const marker = `stream-runaway-${process.pid}-${Date.now()}`;
    const stream = jq.startStream?.(`"${marker}" as $m | if .loop then (def f: f; f) else .n end`);
    try {
      await expect(stream?.map(inputs('{"n":1}'))).resolves.toEqual(["1"]);
      await expect(stream?.map(inputs('{"loop":true}'))).rejects.toThrow(/did not finish within 1500 ms/);
      expect(await waitUntilGone(marker)).toBe(true);
      await expect(stream?.map(inputs('{"n":1}'))).rejects.toThrow(/did not finish within 1500 ms/);
    } finally {
      await stream?.close();
    }
  });

  it("reports $__loc__ lines as the filter alone does", async () => {
    const jq = await createTestJqRunner();
    const filter = "\n\n[$__loc__.line, .n]";
    const stream = jq.startStream?.(filter);
    try {
      await expect(stream?.map(inputs('{"n":1}'))).resolves.toEqual([JSON.stringify(await jq.runJson(filter, '{"n":1}'))]);
    } finally {
      await stream?.close();
    }
  });

  it("ends jq on close and rejects a batch sent afterwards", async () => {
    const marker = `stream-close-${process.pid}-${Date.now()}`;
    const stream = (await createTestJqRunner()).startStream?.(`"${marker}" as $m | .`);
    await stream?.close();
    expect(await waitUntilGone(marker)).toBe(true);
    await expect(stream?.map(inputs("1"))).rejects.toThrow(/closed/);
  });
});
