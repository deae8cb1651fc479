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
