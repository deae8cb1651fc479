import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { readConfig, type ConfigNeeds } from "../../../src/config/read-config";
import { ConfigError } from "../../../src/errors";

const ALL: ConfigNeeds = { incidentIo: true, port: true, jq: true };
const PATH = process.env["PATH"];

/** The environment of Port's Docker example for this integration, with placeholder secrets. */
const PORT_PAGE_ENV = {
  PATH,
  OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
  OCEAN__INITIALIZE_PORT_RESOURCES: "true",
  OCEAN__SEND_RAW_DATA_EXAMPLES: "true",
  OCEAN__INTEGRATION__CONFIG__BASE_URL: "https://api.incident.io",
  OCEAN__INTEGRATION__CONFIG__AUTH_TYPE: "bearer_token",
  OCEAN__INTEGRATION__SECRETS__TOKEN: "incident-token-value",
  OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: "cursor",
  OCEAN__INTEGRATION__CONFIG__PAGINATION_PARAM: "after",
  OCEAN__INTEGRATION__CONFIG__CURSOR_PATH: "pagination_meta.after",
  OCEAN__INTEGRATION__CONFIG__HAS_MORE_PATH: "pagination_meta.after",
  OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: "100",
  OCEAN__INTEGRATION__CONFIG__SIZE_PARAM: "page_size",
  OCEAN__PORT__CLIENT_ID: "port-client-id",
  OCEAN__PORT__CLIENT_SECRET: "port-secret-value",
  OCEAN__PORT__BASE_URL: "https://api.port.io",
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "etl-config-"));
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("readConfig", () => {
  it("loads the shipped mapping with the environment of Port's Docker example", () => {
    const config = readConfig({ env: PORT_PAGE_ENV, flags: {}, cwd: tempDir() }, ALL);
    const byName = new Map(config.mapping.resources.map((r) => [r.name, r.selector.pagination]));
    expect(config.mapping.resources).toHaveLength(10);
    expect(byName.get("alerts")?.pageSize).toBe(50);
    expect(byName.get("severities")?.type).toBe("none");
    expect(config.incidentIo.pagination).toMatchObject({ type: "cursor", pageSize: 100, param: "after", sizeParam: "page_size" });
    expect(config.port.baseUrl).toBe("https://api.port.io");
    expect(config.eventListener).toBe("ONCE");
  });

  it("lists every problem in one error before anything else happens", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.yml"), "resources:\n  - kind: /v2/users\n   selector: [\n");
    const error = configError(() =>
      readConfig(
        {
          env: {
            PATH,
            OCEAN__INTEGRATION__CONFIG__BASE_URL: "not a url",
            OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: "sideways",
            ETL_MAPPING: "broken.yml",
          },
          flags: {},
          cwd: dir,
        },
        { incidentIo: true, port: false, jq: true },
      ),
    );
    expect(error.issues).toMatchInlineSnapshot(`
      [
        "OCEAN__INTEGRATION__CONFIG__BASE_URL: must be an http(s) URL, e.g. https://api.incident.io (got "not a url")",
        "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: must be one of cursor, offset, page, none (got "sideways")",
        "OCEAN__INTEGRATION__SECRETS__TOKEN (the Incident.io API key) is required for auth type bearer_token (set it in the environment, never on the command line)",
        "broken.yml: invalid YAML: Sequence item without - indicator at line 3, column 1",
        "broken.yml: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 4, column 1",
      ]
    `);
  });

  it("does not ask for the Port secret when the command does not talk to Port", () => {
    const { OCEAN__PORT__CLIENT_SECRET: _secret, ...env } = PORT_PAGE_ENV;
    expect(() => readConfig({ env, flags: {}, cwd: tempDir() }, { incidentIo: true, port: false, jq: true })).not.toThrow();
    expect(configError(() => readConfig({ env, flags: {}, cwd: tempDir() }, ALL)).issues).toEqual([
      "OCEAN__PORT__CLIENT_SECRET is required to talk to Port (set it in the environment, never on the command line)",
    ]);
  });

  it("never shows secrets when the config is printed or serialized", () => {
    const config = readConfig({ env: PORT_PAGE_ENV, flags: {}, cwd: tempDir() }, ALL);
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 })]) {
      expect(text).not.toContain("incident-token-value");
      expect(text).not.toContain("port-secret-value");
    }
  });

  it("prefers a flag over the environment over the config file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "etl.config.yaml"), "etl:\n  db: from-file.sqlite\n  requestsPerMinute: 600\nport:\n  region: us\n");
    const fromFile = readConfig({ env: { PATH }, flags: { config: "etl.config.yaml" }, cwd: dir }, { incidentIo: false, port: false, jq: false });
    expect(fromFile.databasePath).toBe(join(dir, "from-file.sqlite"));
    expect(fromFile.incidentIo.requestsPerMinute).toBe(600);
    expect(fromFile.port.baseUrl).toBe("https://api.us.port.io");
    const fromEnv = readConfig(
      { env: { PATH, ETL_DB: "from-env.sqlite" }, flags: { config: "etl.config.yaml" }, cwd: dir },
      { incidentIo: false, port: false, jq: false },
    );
    expect(fromEnv.databasePath).toBe(join(dir, "from-env.sqlite"));
    const fromFlag = readConfig(
      { env: { PATH, ETL_DB: "from-env.sqlite" }, flags: { config: "etl.config.yaml", db: "from-flag.sqlite" }, cwd: dir },
      { incidentIo: false, port: false, jq: false },
    );
    expect(fromFlag.databasePath).toBe(join(dir, "from-flag.sqlite"));
  });

  it("reads a secret from the file a *_FILE variable names", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "token"), "from-a-file\n");
    const config = readConfig({ env: { PATH, OCEAN__INTEGRATION__SECRETS__TOKEN_FILE: "token" }, flags: {}, cwd: dir }, { incidentIo: true, port: false, jq: false });
    expect(config.incidentIo.auth.type === "bearer_token" && config.incidentIo.auth.token.reveal()).toBe("from-a-file");
  });

  it("names /v3/catalog_entries when the mapping uses the catalog entries path of Port's page", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "mapping.yml"),
      [
        "resources:",
        "  - kind: /v3/catalog_types/{catalog_type_id}/entries",
        "    selector:",
        '      query: "true"',
        "      data_path: .catalog_entries",
        "      path_parameters:",
        "        catalog_type_id:",
        "          endpoint: /v3/catalog_types",
        "          field: .id",
        "    port:",
        "      entity:",
        "        mappings:",
        "          identifier: .id",
        "          blueprint: '\"incidentioCatalogEntry\"'",
      ].join("\n"),
    );
    const error = configError(() => readConfig({ env: { ...PORT_PAGE_ENV, ETL_MAPPING: "mapping.yml" }, flags: {}, cwd: dir }, ALL));
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain("/v3/catalog_entries?catalog_type_id={catalog_type_id}");
  });

  it("says how to install jq when there is none", () => {
    const error = configError(() => readConfig({ env: { ...PORT_PAGE_ENV, PATH: tempDir() }, flags: {}, cwd: tempDir() }, ALL));
    expect(error.issues).toEqual([
      "jq is not installed: install it (Debian/Ubuntu: apt-get install jq; macOS: brew install jq) or set JQ_PATH to its path",
    ]);
  });

  it.each([
    { value: '{"type":"POLLING"}', expected: "POLLING" },
    { value: "once", expected: "ONCE" },
  ])("accepts the event listener $value", ({ value, expected }) => {
    const config = readConfig({ env: { ...PORT_PAGE_ENV, OCEAN__EVENT_LISTENER: value }, flags: {}, cwd: tempDir() }, ALL);
    expect(config.eventListener).toBe(expected);
  });
});
