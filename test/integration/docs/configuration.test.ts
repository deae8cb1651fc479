import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../../src/config/settings";
import { withSettingsTable } from "../../../src/config/settings-table";

const configuration = readFileSync(fileURLToPath(new URL("../../../docs/configuration.md", import.meta.url)), "utf8");

describe("docs/configuration.md", () => {
  it("holds the settings table generated from src/config/settings.ts (run pnpm docs:settings after changing a setting)", () => {
    expect(configuration).toBe(withSettingsTable(configuration));
  });

  it("names every setting under its environment variables and flag", () => {
    for (const spec of Object.values(SETTINGS)) {
      for (const name of [...spec.env, ...("flag" in spec ? [spec.flag] : [])]) expect(configuration).toContain(`\`${name}\``);
    }
  });
});
