import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli-process";
import { startSyncWorld, type SyncWorld } from "../../helpers/sync-world";

// A test CA and a certificate it signed for 127.0.0.1 and localhost, valid from 2000 to 2199, made once
// with openssl (`openssl ca -startdate 20000101000000Z -enddate 21991231235959Z`); the CA's key was not kept.
const TLS_DIR = fileURLToPath(new URL("../../fixtures/tls/", import.meta.url));
const CA_FILE = `${TLS_DIR}test-ca-cert.pem`;
const SERVER_TLS = { key: readFileSync(`${TLS_DIR}server-key.pem`, "utf8"), cert: readFileSync(`${TLS_DIR}server-cert.pem`, "utf8") };
const KINDS = ["--only", "users,teams"];

async function startTlsWorld(): Promise<SyncWorld> {
  const world = await startSyncWorld({ incidentIo: { tls: SERVER_TLS, seed: 9 }, port: { tls: SERVER_TLS } });
  expect(world.incidentIo.baseUrl).toMatch(/^https:/);
  expect(world.port.baseUrl).toMatch(/^https:/);
  return world;
}

function expectSynced(world: SyncWorld): void {
  const users = [...world.incidentIo.dataset.records("users", { includeInactive: true })].map((u) => u["id"] as string).sort();
  expect(world.port.entities("incidentioUser").map((e) => e.identifier).sort()).toEqual(users);
}

describe("TLS verification", () => {
  it("refuses sandboxes whose certificate is signed by an unknown CA, with an error that says how to trust it, and exits 2", async () => {
    const world = await startTlsWorld();
    const outcome = await world.cli(["run", ...KINDS]);
    // The credential check before any stage finds it: a configuration problem (exit 2).
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /Incident\.io at https:\/\/127\.0\.0\.1:\d+: GET \/\S+: no response: UNABLE_TO_VERIFY_LEAF_SIGNATURE: the server's TLS certificate is not signed by a CA this machine trusts; add that CA with --ca-file or NODE_EXTRA_CA_CERTS/,
    );
    expect(outcome.stderr).toMatch(/Port at https:\/\/127\.0\.0\.1:\d+: POST \/v1\/auth\/access_token: no response: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    // Nothing was read from or written to either side: the TLS handshake failed before any request.
    expect(world.incidentIo.requests).toEqual([]);
    expect(world.port.requests).toEqual([]);
  });

  it("accepts them with --ca-file", async () => {
    const world = await startTlsWorld();
    const outcome = await world.cli(["run", ...KINDS, "--ca-file", CA_FILE]);
    expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(0);
    expect(outcome.stderr).not.toMatch(/warning: TLS/);
    expectSynced(world);
  });

  it("accepts them with NODE_EXTRA_CA_CERTS in the process environment", async () => {
    const world = await startTlsWorld();
    const outcome = await runCli(["run", ...KINDS], { ...world.env, CI: "true", NODE_EXTRA_CA_CERTS: CA_FILE });
    expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(0);
    expectSynced(world);
  });

  it("accepts them with --insecure, warning loudly that verification is off", async () => {
    const world = await startTlsWorld();
    const outcome = await world.cli(["run", ...KINDS, "--insecure"]);
    expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(0);
    expect(outcome.stderr).toMatch(/^warning: TLS certificate verification is OFF \(--insecure \/ VERIFY_SSL=false\): anyone on the network path can read your API keys$/m);
    expectSynced(world);
  });
});
