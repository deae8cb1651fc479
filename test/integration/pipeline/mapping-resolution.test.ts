import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readStoredPortMapping, storePortMapping } from "../../../db/queries/port-mapping";
import { readConfig } from "../../../src/config/read-config";
import { ConfigError, EtlError } from "../../../src/errors";
import { buildIntegrationConfig } from "../../../src/load/initialize";
import { createPortClient } from "../../../src/load/port-client";
import type { Config } from "../../../src/model/config";
import { commitMapping, resolveMapping, type MappingRequest } from "../../../src/pipeline/mapping-source";
import { startPortSandbox, type PortSandbox } from "../../../src/sandbox/port/server";
import { buildSandboxEnv } from "../../../src/sandbox/product-env";
import { openTestDb } from "../../helpers/open-test-db";

// resolveMapping and commitMapping against a real Port sandbox and a real staging file: the paths a
// run takes when Port fails, refuses or has nothing, which the CLI tests do not reach.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setUp(env: Record<string, string> = {}): Promise<{ port: PortSandbox; config: Config; request: (over?: Partial<MappingRequest>) => MappingRequest; warnings: string[] }> {
  const port = await startPortSandbox({ clientId: "id", clientSecret: "secret" });
  closers.push(() => port.close());
  const sandboxEnv = buildSandboxEnv({ incidentIo: { baseUrl: "http://127.0.0.1:9", token: "t" }, port }, "resolution");
  const config = readConfig({ env: { ...sandboxEnv, ETL_MAX_ATTEMPTS: "1", ...env }, flags: {}, cwd: ROOT }, { incidentIo: false, port: true, jq: false });
  const client = createPortClient({ port: config.port, network: config.network, userAgent: "test" });
  closers.push(() => client.close());
  const warnings: string[] = [];
  return { port, config, warnings, request: (over = {}) => ({ config, client, push: false, writes: true, warn: (message) => warnings.push(message), ...over }) };
}

describe("resolveMapping and commitMapping", () => {
  it("map with the mapping kept in the staging file, and say so, when Port does not answer", async () => {
    const { db } = openTestDb();
    const { port, config, request, warnings } = await setUp();
    await storePortMapping(db, "resolution", buildIntegrationConfig(config.mapping), "read", "2026-12-01T08:00:00.000Z");
    port.faults.add({ route: "GET /v1/integration/*", fault: { type: "status", status: 503 } });

    const resolution = await resolveMapping(db, request());

    expect(resolution.summary).toMatchObject({ source: "staging-file", readAt: "2026-12-01T08:00:00.000Z" });
    expect(resolution.mapping.resources.map((resource) => resource.kind)).toEqual(config.mapping.resources.map((resource) => resource.kind));
    expect(warnings).toEqual([expect.stringContaining("the mapping of Port integration resolution could not be read: Port at")]);
    expect(await commitMapping(db, request(), resolution)).toBe(resolution.summary);
  });

  it("refuse to run, retryably, when Port does not answer and no mapping was kept", async () => {
    const { db } = openTestDb();
    const { port, request } = await setUp();
    port.faults.add({ route: "GET /v1/integration/*", fault: { type: "status", status: 503 } });

    const failure = await resolveMapping(db, request()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EtlError);
    expect(failure).not.toBeInstanceOf(ConfigError);
    expect((failure as EtlError).retryable).toBe(true);
    expect((failure as EtlError).message).toContain("nor was it read by an earlier command; nothing ran: retry when Port answers, or run with --mapping FILE");
  });

  it("go on with the default, warned, when Port refuses to register it, and keep nothing", async () => {
    const { db } = openTestDb();
    const { port, request, warnings } = await setUp();
    port.faults.add({ route: "POST /v1/integration", fault: { type: "status", status: 403 } });

    const resolution = await resolveMapping(db, request());
    const summary = await commitMapping(db, request(), resolution);

    expect(summary).toMatchObject({ source: "default" });
    expect(summary.portWrite).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('could not register integration "resolution": 403')]);
    expect(await readStoredPortMapping(db, "resolution")).toBeUndefined();
  });

  it("leave Port alone and keep nothing new for a plan, which only says what it would write", async () => {
    const { db } = openTestDb();
    const { port, request } = await setUp();

    const resolution = await resolveMapping(db, request({ writes: false }));
    const summary = await commitMapping(db, request({ writes: false }), resolution);

    expect(summary).toMatchObject({ source: "default", plannedPortWrite: "register", description: "default resources/port-app-config.yml (would be registered in Port)" });
    expect(port.integration("resolution")).toBeUndefined();
    expect(await readStoredPortMapping(db, "resolution")).toBeUndefined();
  });

  it("register a named file where Port has none, and keep it as what Port holds", async () => {
    const { db } = openTestDb();
    const { port, request } = await setUp({ ETL_MAPPING: "resources/port-app-config.yml" });

    const summary = await commitMapping(db, request(), await resolveMapping(db, request()));

    expect(summary).toMatchObject({ source: "file", portWrite: "registered", description: "file resources/port-app-config.yml (registered in Port)" });
    const config = (port.integration("resolution") as { config: unknown }).config;
    expect(await readStoredPortMapping(db, "resolution")).toMatchObject({ origin: "registered", config });
  });
});
