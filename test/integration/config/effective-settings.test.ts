import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listEffectiveSettings } from "../../../src/config/effective-settings";
import { makeTempDir } from "../../helpers/temp-dir";

describe("listEffectiveSettings", () => {
  it("says where each setting came from: flag over environment over config file over default", () => {
    const dir = makeTempDir("etl-effective-");
    writeFileSync(join(dir, "etl.config.yaml"), "etl:\n  db: from-file.sqlite\n  requestsPerMinute: 600\nport:\n  region: us\n");
    writeFileSync(join(dir, "secret"), "port-secret-from-file\n");
    const settings = listEffectiveSettings({
      env: { ETL_DB: "from-env.sqlite", ETL_MAX_ATTEMPTS: "3", OCEAN__PORT__CLIENT_SECRET_FILE: join(dir, "secret") },
      flags: { config: "etl.config.yaml", db: "from-flag.sqlite" },
      cwd: dir,
    });
    const byName = Object.fromEntries(settings.map((setting) => [setting.name, { value: setting.value, source: setting.source }]));
    expect(byName["db"]).toEqual({ value: "from-flag.sqlite", source: "--db" });
    expect(byName["maxAttempts"]).toEqual({ value: "3", source: "ETL_MAX_ATTEMPTS" });
    expect(byName["requestsPerMinute"]).toEqual({ value: "600", source: "etl.config.yaml: etl.requestsPerMinute" });
    expect(byName["portBaseUrl"]).toEqual({ value: "https://api.us.port.io", source: "default (region us)" });
    expect(byName["portClientSecret"]).toEqual({ value: "set", source: "OCEAN__PORT__CLIENT_SECRET_FILE" });
    expect(byName["timeoutSeconds"]).toEqual({ value: "30", source: "default" });
    expect(JSON.stringify(settings)).not.toContain("port-secret-from-file");
  });
});
