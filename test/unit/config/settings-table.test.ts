import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../../src/config/settings";
import { renderSettingsTable, withSettingsTable } from "../../../src/config/settings-table";

const table = renderSettingsTable();
const [start = "", ...rest] = table.split("\n");
const end = rest.at(-1) ?? "";

describe("renderSettingsTable", () => {
  it("has a header, a separator and one row per setting, in SETTINGS' order, between its markers", () => {
    const rows = rest.slice(2, -1);
    expect(rows).toHaveLength(Object.keys(SETTINGS).length);
    expect(rows[0]).toBe("| `OCEAN__INTEGRATION__CONFIG__BASE_URL` | `integration.config.baseUrl` | https://api.incident.io | Incident.io API base URL |");
  });

  it.each([
    { name: "a secret is marked", row: "`OCEAN__INTEGRATION__SECRETS__PASSWORD`", expected: "Password (basic auth) (secret) |" },
    { name: "a flag follows the variables", row: "`ETL_DB`, `--db`", expected: "| `etl.db` | ./etl.sqlite |" },
    { name: "a setting with no file key or variable", row: "| `--insecure` |", expected: "| - | false |" },
    { name: "a default that depends on another setting", row: "`OCEAN__PORT__BASE_URL`", expected: "| from the region |" },
    { name: "a setting with no default", row: "`JQ_PATH`", expected: "| `etl.jqPath` | - |" },
  ])("$name", ({ row, expected }) => {
    const line = table.split("\n").find((l) => l.includes(row));
    expect(line).toContain(expected);
  });
});

describe("withSettingsTable", () => {
  it.each([
    { name: "fills empty markers", doc: `intro\n${start}\n${end}\noutro`, expected: `intro\n${table}\noutro` },
    { name: "replaces a stale table", doc: `${start}\n| old |\n${end}`, expected: table },
    { name: "leaves a fresh table as it is", doc: `a\n${table}\nb`, expected: `a\n${table}\nb` },
  ])("$name", ({ doc, expected }) => {
    expect(withSettingsTable(doc)).toBe(expected);
  });

  it.each([
    { name: "no markers", doc: "# Configuration\n" },
    { name: "the end before the start", doc: `${end}\n${start}` },
  ])("says where the table belongs when there are $name", ({ doc }) => {
    expect(() => withSettingsTable(doc)).toThrow(/markers are missing; put these two lines/);
  });
});
