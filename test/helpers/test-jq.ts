import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { createJqRunner, type JqRunner } from "../../src/jq/jq-runner";

/** The jq binary the tests use: JQ_PATH, else the first `jq` on PATH (as readConfig resolves it). */
export function findTestJqPath(): string {
  const candidates = process.env["JQ_PATH"]
    ? [process.env["JQ_PATH"]]
    : (process.env["PATH"] ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "jq"));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking along PATH
    }
  }
  throw new Error("the tests need jq: install it or set JQ_PATH");
}

/** A runner over the test machine's jq. */
export function createTestJqRunner(): Promise<JqRunner> {
  return createJqRunner(findTestJqPath());
}
