import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli-process";
import { queryStagingFile, startSyncWorld, type SyncWorld } from "../../helpers/sync-world";

// Planted secrets: each is unique enough that finding it anywhere can only mean a leak.
const TOKEN = "inc_PLANTED_incidentio_token_5f1c0e";
const PORT_SECRET = "port_PLANTED_client_secret_9a72bd";
const SOURCE_SECRET = "PLANTED_alert_source_secret_token_c41";
const NESTED_SOURCE_SECRET = "PLANTED_nested_secret_token_77e";
const DROPPED = "PLANTED_dropped_field_value_e05";
const DROPPED_BY_PATH = "PLANTED_dropped_by_path_value_3b9";
const WRONG_TOKEN = "inc_PLANTED_wrong_token_0d4e11";
const WRONG_PORT_SECRET = "port_PLANTED_wrong_secret_62aa90";
const FLAG_SECRET = "PLANTED_secret_on_the_command_line_18f";
const FILE_SECRET = "PLANTED_secret_in_a_config_file_a7d";

interface Channel {
  readonly name: string;
  readonly text: string;
}

/** A world whose records carry planted secrets, and the list of every secret value it holds. */
async function startPlantedWorld(): Promise<{ world: SyncWorld; secrets: string[]; env: Record<string, string> }> {
  const world = await startSyncWorld({ incidentIo: { token: TOKEN, seed: 3 }, port: { clientSecret: PORT_SECRET } });
  const dataset = world.incidentIo.dataset;
  const sources = [...dataset.records("alert_sources")];
  // The sandbox's own secret_token values are secrets too.
  const generated = sources.map((source) => source["secret_token"]).filter((value): value is string => typeof value === "string");
  expect(generated.length).toBeGreaterThan(0);
  dataset.update("alert_sources", sources[0]?.["id"] as string, { secret_token: SOURCE_SECRET, options: { webhook: { secret_token: NESTED_SOURCE_SECRET } } });
  const [user] = dataset.records("users", { includeInactive: true });
  dataset.update("users", user?.["id"] as string, { personal_note: DROPPED, contact: { phone: DROPPED_BY_PATH, kept: "visible" } });
  return {
    world,
    secrets: [TOKEN, PORT_SECRET, SOURCE_SECRET, NESTED_SOURCE_SECRET, DROPPED, DROPPED_BY_PATH, WRONG_TOKEN, WRONG_PORT_SECRET, FLAG_SECRET, FILE_SECRET, ...generated],
    env: { ETL_DROP_FIELDS: "personal_note, contact.phone" },
  };
}

/** The staging file and its -wal and -shm, byte for byte. */
function readStagingFiles(dbPath: string): Channel[] {
  return ["", "-wal", "-shm"]
    .filter((suffix) => existsSync(`${dbPath}${suffix}`))
    .map((suffix) => ({ name: `staging file${suffix || " (main)"}`, text: readFileSync(`${dbPath}${suffix}`).toString("latin1") }));
}

function expectNoSecret(channels: readonly Channel[], secrets: readonly string[]): void {
  for (const channel of channels) {
    for (const secret of secrets) {
      const at = channel.text.indexOf(secret);
      expect(at, `${secret} leaked into ${channel.name}: …${channel.text.slice(Math.max(0, at - 200), at + 100)}…`).toBe(-1);
    }
  }
}

describe("secrets never leave through an output channel", () => {
  it("keeps them out of run, extract, transform, load and status output, plain and --json, and out of the staging file's bytes", async () => {
    const { world, secrets, env } = await startPlantedWorld();
    const channels: Channel[] = [];
    const record = async (args: string[], expectedCode: number) => {
      const outcome = await world.cli(args, env);
      expect(outcome.code, `${args.join(" ")}: ${outcome.stdout}\n${outcome.stderr}`).toBe(expectedCode);
      channels.push({ name: `etl ${args.join(" ")} stdout`, text: outcome.stdout }, { name: `etl ${args.join(" ")} stderr`, text: outcome.stderr });
    };
    await record(["run"], 0);
    // A reader holds the file open from here on, so the -wal and -shm of the next runs stay on disk to be read.
    const reader = new BetterSqlite3(world.dbPath, { readonly: true });
    reader.prepare("select count(*) from runs").get();
    try {
      world.incidentIo.dataset.update("users", [...world.incidentIo.dataset.records("users", { includeInactive: true })][1]?.["id"] as string, { name: "Renamed" });
      await record(["run", "--json"], 0);
      await record(["extract"], 0);
      await record(["extract", "--json"], 0);
      await record(["transform", "--json"], 0);
      await record(["plan"], 0);
      await record(["load"], 0);
      await record(["load", "--json"], 0);
      await record(["status"], 0);
      await record(["status", "--json"], 0);
      expect([existsSync(`${world.dbPath}-wal`), existsSync(`${world.dbPath}-shm`)]).toEqual([true, true]);
      channels.push(...readStagingFiles(world.dbPath));
    } finally {
      reader.close();
    }
    expectNoSecret(channels, secrets);
    // Dropped before storage: secret_token wherever it is, and the listed fields; what was beside them stays.
    const payloads = queryStagingFile<{ kind: string; payload: string }>(world.dbPath, "select kind, payload from raw_records where kind in ('/v2/alert_sources', '/v2/users')");
    const sources = payloads.filter((row) => row.kind === "/v2/alert_sources").map((row) => JSON.parse(row.payload) as Record<string, unknown>);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => "secret_token" in source)).toEqual([]);
    expect(sources.some((source) => JSON.stringify(source["options"]) === '{"webhook":{}}')).toBe(true);
    const planted = payloads.map((row) => JSON.parse(row.payload) as Record<string, unknown>).find((user) => user["contact"] !== undefined);
    expect(planted?.["contact"]).toEqual({ kept: "visible" });
    expect(planted).not.toHaveProperty("personal_note");
    // Port never received a record-level secret either (in entities or the raw examples of the mapping playground).
    expectNoSecret([{ name: "requests to Port", text: JSON.stringify(world.port.requests.filter((r) => r.path !== "/v1/auth/access_token").map((r) => r.body)) }], secrets);
  }, 120_000);

  it("keeps them out of every failure: wrong token, wrong Port secret, Port refusing entities, a server echoing the token, bad configuration, secrets as flags", async () => {
    const { world, secrets, env } = await startPlantedWorld();
    const channels: Channel[] = [];
    const record = async (what: string, args: string[], extraEnv: Record<string, string>, expectedCode: number) => {
      const outcome = await world.cli(args, { ...env, ...extraEnv });
      expect(outcome.code, `${what}: ${outcome.stdout}\n${outcome.stderr}`).toBe(expectedCode);
      channels.push({ name: `${what}: etl ${args.join(" ")} stdout`, text: outcome.stdout }, { name: `${what}: etl ${args.join(" ")} stderr`, text: outcome.stderr });
      return outcome;
    };
    // Refused credentials are found by the check before any stage: a configuration problem (exit 2).
    const wrongToken = await record("wrong token", ["run", "-v"], { OCEAN__INTEGRATION__SECRETS__TOKEN: WRONG_TOKEN }, 2);
    expect(wrongToken.stderr).toMatch(/401.*the API key was refused/);
    await record("wrong token", ["extract", "--json", "-v"], { OCEAN__INTEGRATION__SECRETS__TOKEN: WRONG_TOKEN }, 2);

    await record("first good run", ["run"], {}, 0);
    // Credentials Port refuses are a configuration problem.
    const wrongSecret = await record("wrong Port secret", ["load", "-v"], { OCEAN__PORT__CLIENT_SECRET: WRONG_PORT_SECRET }, 2);
    expect(wrongSecret.stderr).toMatch(/Port refused them \(401/);
    await record("wrong Port secret", ["run", "--json", "-v"], { OCEAN__PORT__CLIENT_SECRET: WRONG_PORT_SECRET }, 2);

    const [user] = world.incidentIo.dataset.records("users", { includeInactive: true });
    world.incidentIo.dataset.update("users", user?.["id"] as string, { name: "Changed so it is sent again" });
    world.port.failEntity({ blueprint: "incidentioUser", identifier: user?.["id"] as string, times: 10, message: "refused by Port" });
    await record("Port refusing an entity", ["run", "-v"], {}, 1);

    // A server that quotes the credential it was sent back in its error message.
    world.incidentIo.faults.add({
      route: "GET /v2/users",
      times: 20,
      fault: { type: "status", status: 403, body: { type: "authentication_error", status: 403, errors: [{ code: "forbidden", message: `key ${TOKEN} lacks a scope` }] } },
    });
    // The credential check reads another endpoint, so the users kind meets it and fails (exit 1).
    const echoed = await record("echoing server", ["run", "-v"], {}, 1);
    expect(echoed.stdout).toContain("403: key [redacted] lacks a scope");
    world.incidentIo.faults.clear();
    world.port.faults.add({
      route: "POST /v1/auth/access_token",
      times: 20,
      fault: { type: "status", status: 400, body: { ok: false, error: "bad_request", message: `clientSecret ${PORT_SECRET} is malformed` } },
    });
    const echoingPort = await record("echoing Port", ["load", "-v"], {}, 2);
    expect(echoingPort.stderr).toContain("POST /v1/auth/access_token: 400: Port refused the request (bad_request: clientSecret [redacted] is malformed)");
    world.port.faults.clear();
    world.port.faults.add({
      route: "POST /v1/auth/access_token",
      times: 20,
      fault: { type: "status", status: 401, body: { ok: false, error: "unauthorized", message: `${PORT_SECRET} is not the secret of this client` } },
    });
    const refused = await record("echoing Port refusing the secret", ["load", "-v"], {}, 2);
    expect(refused.stderr).toContain("[redacted] is not the secret of this client");
    world.port.faults.clear();

    await record("bad configuration", ["run"], { OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: "sideways", ETL_MAX_ATTEMPTS: "many" }, 2);
    const configFile = join(world.dir, "etl.config.yaml");
    writeFileSync(configFile, `integration:\n  secrets:\n    token: [${FILE_SECRET}]\nport:\n  clientSecret: { value: ${FILE_SECRET} }\n`);
    await record("secrets of the wrong type in a config file", ["run", "--config", configFile], { OCEAN__INTEGRATION__SECRETS__TOKEN: "", OCEAN__PORT__CLIENT_SECRET: "" }, 2);
    for (const args of [["run", `--token=${FLAG_SECRET}`], ["run", "--client-secret", FLAG_SECRET], ["load", `--password=${FLAG_SECRET}`], ["run", "--port-client-secret", FLAG_SECRET]]) {
      await record("a secret as a flag", args, {}, 2);
    }
    await record("status after all that", ["status"], {}, 0);
    await record("status after all that", ["status", "--json"], {}, 0);
    channels.push(...readStagingFiles(world.dbPath));
    expectNoSecret(channels, secrets);
  }, 120_000);

  it("keeps Port's access token out of every channel when Port quotes the Authorization header back", async () => {
    const { world, env } = await startPlantedWorld();
    const channels: Channel[] = [];
    const record = async (args: string[], expectedCode: number) => {
      const outcome = await world.cli(args, env);
      expect(outcome.code, `${args.join(" ")}: ${outcome.stdout}\n${outcome.stderr}`).toBe(expectedCode);
      channels.push({ name: `etl ${args.join(" ")} stdout`, text: outcome.stdout }, { name: `etl ${args.join(" ")} stderr`, text: outcome.stderr });
      return outcome;
    };
    // Every bulk upsert is refused with the bearer token quoted, bare and as the whole header: one refusal per entity.
    world.port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", times: 1000, fault: { type: "echo-authorization", status: 403 } });
    const refused = await record(["run", "-v"], 1);
    expect(refused.stdout).toContain("forbidden: the token [redacted] may not do this");
    await record(["load", "--json", "-v"], 1);
    world.port.faults.clear();
    // A retried 5xx that quotes it: the HttpError's excerpt of the raw body.
    world.port.faults.add({ route: "GET /v1/blueprints", times: 20, fault: { type: "echo-authorization", status: 500 } });
    const unreachable = await record(["load", "-v"], 1);
    expect(unreachable.stdout + unreachable.stderr).toMatch(/GET \/v1\/blueprints: 500: .*\[redacted\]/);
    world.port.faults.clear();
    await record(["status"], 0);
    await record(["status", "--json"], 0);
    channels.push(...readStagingFiles(world.dbPath));
    const stored = queryStagingFile<{ message: string }>(world.dbPath, "select message from load_errors");
    expect(stored.length).toBeGreaterThan(20);
    const tokens = [...new Set(world.port.requests.map((request) => String(request.headers["authorization"] ?? "").replace(/^Bearer /, "")).filter((token) => token !== ""))];
    expect(tokens.length).toBeGreaterThan(0);
    expectNoSecret(channels, tokens);
  }, 120_000);

  it("keeps them out of the real process's output, plain and --json, when it succeeds and when it fails", async () => {
    const { world, secrets, env } = await startPlantedWorld();
    const processEnv = { ...world.env, ...env, CI: "true" };
    const ok = await runCli(["run"], processEnv);
    expect(ok.code, ok.stderr).toBe(0);
    const failed = await runCli(["run", "--json", "-v"], { ...processEnv, OCEAN__INTEGRATION__SECRETS__TOKEN: WRONG_TOKEN, OCEAN__PORT__CLIENT_SECRET: WRONG_PORT_SECRET });
    expect(failed.code).toBe(2);
    expectNoSecret(
      [
        { name: "etl run stdout", text: ok.stdout },
        { name: "etl run stderr", text: ok.stderr },
        { name: "etl run --json -v stdout", text: failed.stdout },
        { name: "etl run --json -v stderr", text: failed.stderr },
        ...readStagingFiles(world.dbPath),
      ],
      secrets,
    );
  }, 120_000);
});
