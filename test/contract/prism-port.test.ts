import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { PORT_SPEC } from "../helpers/openapi-validator";
import { startSyncWorld } from "../helpers/sync-world";
import {
  expectEndedCleanly,
  expectErrorsLocated,
  expectNoRequestViolations,
  expectViolationDetected,
  lastRunId,
  readRecordedErrors,
  runProduct,
} from "./outcome";
import { startPreferProxy, type PreferProxy } from "./prefer-proxy";
import { prismOrSkip, startPrismForSuite, type PrismServer, type PrismStart } from "./prism-server";

// Prism serves Port's published spec (spec/port-openapi.yml, the paths of the areas the product calls)
// in place of Port. Its answers are the spec's examples, which name other blueprints and entities than
// the product sent, so the load may well report failures; what is checked is that every request the
// product makes is one Port's spec accepts, and that the product ends with a verdict rather than a
// crash or a hang.

/**
 * The areas of Port's API the product calls (`/v1/<area>/…`). Prism is served the spec with only their
 * paths, every operation and component as published: loading all 63 paths costs Prism some 12 s of CPU,
 * these 24 under one. No path of the spec starts with a template, so a request in these areas matches
 * exactly the operation it would match in the whole spec, and a request elsewhere answers 404 and fails
 * the last test below, which names it.
 */
const PRODUCT_AREAS = new Set(["auth", "blueprints", "integration"]);

/** Writes the vendored Port spec restricted to PRODUCT_AREAS, as JSON, into `dir`; returns its path. */
function writeProductAreasSpec(dir: string): string {
  const spec = parseYaml(readFileSync(PORT_SPEC, "utf8")) as { paths: Record<string, unknown> };
  const paths = Object.fromEntries(Object.entries(spec.paths).filter(([path]) => PRODUCT_AREAS.has(path.split("/")[2] ?? "")));
  const file = join(dir, "port-openapi.product-areas.json");
  writeFileSync(file, JSON.stringify({ ...spec, paths }));
  return file;
}

/** Routes the product uses that Port's public spec does not describe: Prism answers them 404, and they are not checked. */
const ROUTES_NOT_IN_SPEC = [
  // Creating the integration where Port has none, as Ocean does: Port's public spec lists only reading, patching and deleting one.
  { route: "POST /v1/integration", pattern: /^POST \/v1\/integration$/ },
  // Ocean's raw-data examples (OCEAN__SEND_RAW_DATA_EXAMPLES), an integration route Port documents only in Ocean.
  { route: "POST /v1/integration/{identifier}/kinds/{kind}/examples", pattern: /^POST \/v1\/integration\/[^/]+\/kinds\/[^/]+\/examples$/ },
];

// An extract and a transform of the sandbox, then a load against Prism that is killed after a minute.
const RUN_TEST_TIMEOUT_MS = 150_000;

describe("the product's load against Prism serving Port's published spec", () => {
  let started: PrismStart | undefined;
  let proxy: PreferProxy | undefined;
  const dir = mkdtempSync(join(tmpdir(), "etl-prism-port-"));

  beforeAll(async () => {
    started = await startPrismForSuite({ spec: writeProductAreasSpec(dir) });
    // The spec's 404 for the integration read: no integration yet, so the load registers the shipped mapping and goes on.
    if (started.ok) proxy = await startPreferProxy(started.prism.baseUrl, [{ method: "GET", pattern: /^\/v1\/integration\/[^/]+$/, code: 404 }]);
  }, 200_000);

  afterAll(async () => {
    await proxy?.close();
    if (started?.ok) await started.prism.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Extracts and maps the Incident.io sandbox into a fresh staging file, then runs `etl load` against Prism. */
  async function loadIntoPrism(prism: PrismServer, env: Readonly<Record<string, string>> = {}) {
    const world = await startSyncWorld();
    for (const stage of ["extract", "transform"]) {
      const outcome = await world.cli([stage]);
      expect(outcome.code, `${stage}: ${outcome.stderr}`).toBe(0);
    }
    const runsBefore = lastRunId(world.dbPath);
    const requestsBefore = prism.requests().length;
    const result = await runProduct(["load"], { ...world.env, OCEAN__PORT__BASE_URL: proxy?.baseUrl ?? prism.baseUrl, ...env });
    expectEndedCleanly(result);
    expectErrorsLocated(readRecordedErrors(world.dbPath, runsBefore));
    return { result, routes: prism.requests().slice(requestsBefore).map((r) => `${r.method} ${r.path}`) };
  }

  it("creates the blueprints and registers the integration with requests Port's spec accepts", async (ctx) => {
    const prism = prismOrSkip(started, ctx);
    const { result, routes } = await loadIntoPrism(prism);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(routes, output).toContain("POST /v1/auth/access_token");
    expect(routes, output).toContain("POST /v1/blueprints");
  }, RUN_TEST_TIMEOUT_MS);

  it("pushes the entities with requests Port's spec accepts when the blueprints are in place", async (ctx) => {
    const prism = prismOrSkip(started, ctx);
    const { result, routes } = await loadIntoPrism(prism, { OCEAN__INITIALIZE_PORT_RESOURCES: "false" });
    // The load got as far as Port's entity routes, so that their bodies were checked too.
    expect(routes, `${result.stdout}\n${result.stderr}`).toContainEqual(expect.stringMatching(/^POST \/v1\/blueprints\/[^/]+\/entities\/bulk$/));
  }, RUN_TEST_TIMEOUT_MS);

  // Last, so that it covers the requests of both loads.
  it("sends only requests the spec accepts: Prism's log has no request-validation violation", (ctx) => {
    const prism = prismOrSkip(started, ctx);
    const unmatched = prism.unmatchedRoutes();
    const skipped = ROUTES_NOT_IN_SPEC.map(({ route, pattern }) => ({ route, count: unmatched.filter((r) => pattern.test(r)).length })).filter((s) => s.count > 0);
    console.info(
      `Prism (Port): ${prism.requests().length} requests, ${prism.requestViolations().length} request-validation violations` +
        (skipped.length > 0 ? `; not in the spec, so not checked: ${skipped.map((s) => `${s.route} (${s.count})`).join(", ")}` : ""),
    );
    expectNoRequestViolations(prism);
    const unexpected = unmatched.filter((route) => !ROUTES_NOT_IN_SPEC.some(({ pattern }) => pattern.test(route)));
    expect(unexpected, `routes outside the spec's paths served (PRODUCT_AREAS: ${[...PRODUCT_AREAS].join(", ")})`).toEqual([]);
  });

  it("reads a request that breaks the spec from Prism's log (a bulk upsert whose entities are not an array)", async (ctx) => {
    const init = { method: "POST", headers: { authorization: "Bearer contract-test", "content-type": "application/json" }, body: '{"entities":"none"}' };
    await expectViolationDetected(prismOrSkip(started, ctx), "/v1/blueprints/incidentioUser/entities/bulk?upsert=true", init, /entities must be array/);
  });
});
