import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderExports } from "../../../src/cli/shell-exports";

describe("renderExports read by a real shell", () => {
  it.each(["http://127.0.0.1:41234", "/tmp/etl demo/etl.sqlite", '{"type":"ONCE"}', "it's", "$HOME `id` \\n \"x\"", "", "ünï\ncode"])(
    "gives back %j",
    (value) => {
      const script = `${renderExports({ ETL_TEST_VALUE: value })}\nprintf '%s' "$ETL_TEST_VALUE"`;
      expect(execFileSync("/bin/sh", ["-c", script], { encoding: "utf8", timeout: 5_000 })).toBe(value);
    },
  );
});
