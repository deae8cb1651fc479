import { describe, expect, it } from "vitest";
import { renderExports, shellQuote } from "../../../src/cli/shell-exports";

const VALUES = [
  { value: "http://127.0.0.1:41234", quoted: "http://127.0.0.1:41234" },
  { value: "/tmp/etl demo/etl.sqlite", quoted: "'/tmp/etl demo/etl.sqlite'" },
  { value: '{"type":"ONCE"}', quoted: `'{"type":"ONCE"}'` },
  { value: "it's", quoted: "'it'\\''s'" },
  { value: "$HOME `id` \\n", quoted: "'$HOME `id` \\n'" },
  { value: "", quoted: "''" },
];

describe("shellQuote", () => {
  it.each(VALUES)("writes $value as $quoted", ({ value, quoted }) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});

describe("renderExports", () => {
  it("writes one export line a variable, in order", () => {
    expect(renderExports({ ETL_DB: "a b.sqlite", OCEAN__PORT__CLIENT_ID: "demo-client-id" })).toBe(
      "export ETL_DB='a b.sqlite'\nexport OCEAN__PORT__CLIENT_ID=demo-client-id",
    );
  });
});
