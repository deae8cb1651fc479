import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/database";
import { storePortMapping } from "../../../db/queries/port-mapping";
import { renderStatus } from "../../../src/cli/status-view";
import { readConfig } from "../../../src/config/read-config";
import { buildIntegrationConfig } from "../../../src/load/initialize";
import type { Config } from "../../../src/model/config";
import { COMMANDS } from "../../../src/pipeline/commands";
import { readStatus } from "../../../src/pipeline/status";
import { makeTempDir } from "../../helpers/temp-dir";

// etl status over a real staging file whose port_mapping keeps the mappings earlier commands read from
// Port, read with and without the runs' OCEAN__INTEGRATION__IDENTIFIER.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function configFor(databasePath: string, env: Record<string, string> = {}): Config {
  return readConfig({ env: { PATH: process.env["PATH"], ETL_DB: databasePath, ...env }, flags: {}, cwd: ROOT }, COMMANDS.status.needs);
}

/** A migrated staging file keeping `kept` (integration → read time), each a mapping of the shipped mapping's first `resources` resources. */
async function stagingFile(kept: readonly { integration: string; readAt: string; resources: number }[]): Promise<string> {
  const path = join(makeTempDir("etl-status-"), "etl.sqlite");
  const opened = openDatabase(path);
  const shipped = configFor(":unused:").mapping;
  for (const { integration, readAt, resources } of kept) {
    await storePortMapping(opened.db, integration, buildIntegrationConfig({ ...shipped, resources: shipped.resources.slice(0, resources) }), "read", readAt);
  }
  await opened.close();
  return path;
}

describe("etl status and the mappings the staging file keeps", () => {
  it("names the configured integration when no mapping of Port's was read yet", async () => {
    const path = await stagingFile([]);
    const report = await readStatus(configFor(path), 5);
    expect(report.mapping).toMatchObject({ source: "default", integration: "incidentio-port-etl" });
    expect(report.mapping?.description).toContain("(no mapping of Port integration incidentio-port-etl read yet)");
    expect(report.portMappings).toEqual([]);
  });

  it("shows the latest mapping kept when status runs without the runs' integration, naming both", async () => {
    const path = await stagingFile([
      { integration: "older-integration", readAt: "2026-12-01T08:00:00.000Z", resources: 1 },
      { integration: "my-integration", readAt: "2026-12-02T09:30:00.000Z", resources: 2 },
    ]);
    const config = configFor(path);
    const report = await readStatus(config, 5);

    expect(report.mapping).toMatchObject({ source: "staging-file", integration: "my-integration", readAt: "2026-12-02T09:30:00.000Z" });
    expect(report.kinds.map((kind) => kind.kind)).toEqual(config.mapping.resources.slice(0, 2).map((resource) => resource.kind));
    expect(report.portMappings.map((kept) => kept.integration)).toEqual(["my-integration", "older-integration"]);
    const text = renderStatus(report);
    expect(text).toContain(
      "Mapping: Port integration my-integration (read 2026-12-02 09:30 UTC by an earlier command, kept in the staging file); the latest the staging file keeps; " +
        "this configuration's integration, incidentio-port-etl, has none read yet: set OCEAN__INTEGRATION__IDENTIFIER=my-integration for extract, transform and plan to map with it\n",
    );
    expect(text).toContain("Also kept from Port: integration older-integration (read 2026-12-01 08:00 UTC)\n");
  });

  it("shows the configured integration's mapping as the runs use it, and lists the others kept", async () => {
    const path = await stagingFile([
      { integration: "older-integration", readAt: "2026-12-03T08:00:00.000Z", resources: 1 },
      { integration: "my-integration", readAt: "2026-12-02T09:30:00.000Z", resources: 2 },
    ]);
    const report = await readStatus(configFor(path, { OCEAN__INTEGRATION__IDENTIFIER: "my-integration" }), 5);

    expect(report.mapping).toMatchObject({ source: "staging-file", integration: "my-integration" });
    expect(report.mapping?.description).toBe("Port integration my-integration (read 2026-12-02 09:30 UTC by an earlier command, kept in the staging file)");
    expect(renderStatus(report)).toContain("Also kept from Port: integration older-integration (read 2026-12-03 08:00 UTC)\n");
  });
});
