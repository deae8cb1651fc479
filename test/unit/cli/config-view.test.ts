import { describe, expect, it } from "vitest";
import { renderSettings } from "../../../src/cli/config-view";

describe("renderSettings", () => {
  it("lines up setting, value and source, then names refused values", () => {
    const text = renderSettings([
      { name: "db", label: "ETL_DB", value: "./etl.sqlite", source: "default", secret: false },
      { name: "portClientSecret", label: "OCEAN__PORT__CLIENT_SECRET", value: "set", source: "OCEAN__PORT__CLIENT_SECRET_FILE", secret: true },
      { name: "pageSize", label: "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", value: "abc\u001b[2J", source: "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", secret: false, problem: "must be a number" },
    ]);
    expect(text).toMatchInlineSnapshot(`
      "setting                                value         source
      ETL_DB                                 ./etl.sqlite  default
      OCEAN__PORT__CLIENT_SECRET             set           OCEAN__PORT__CLIENT_SECRET_FILE
      OCEAN__INTEGRATION__CONFIG__PAGE_SIZE  abc\\u001b[2J  OCEAN__INTEGRATION__CONFIG__PAGE_SIZE
      refused: OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: must be a number
      "
    `);
  });
});
