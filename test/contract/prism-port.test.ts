import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
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
import { startPrism, type PrismServer, type PrismStart } from "./prism-server";

// Prism serves Port's published spec (spec/port-openapi.yml) in place of Port. Its answers are the
// spec's examples, which name other blueprints and entities than the product sent, so the load may
// well report failures; what is checked is that every request the product makes is one Port's spec
// accepts, and that the product ends with a verdict rather than a crash or a hang.

/** Routes the product uses that Port's public spec does not describe: Prism answers them 404, and they are not checked. */
const ROUTES_NOT_IN_SPEC = [
  // Ocean's raw-data examples (OCEAN__SEND_RAW_DATA_EXAMPLES), an integration route Port documents only in Ocean.
  /^POST \/v1\/integration\/[^/]+\/kinds\/[^/]+\/examples$/,
];

// An extract and a transform of the sandbox, then a load against Prism that is killed after a minute.
const RUN_TEST_TIMEOUT_MS = 150_000;

function prismOrSkip(started: PrismStart | undefined, ctx: TestContext): PrismServer {
  if (!started?.ok) ctx.skip(started ? started.reason : "Prism was not started");
  return started.prism;
}

describe("the product's load against Prism serving Port's published spec", () => {
  let started: PrismStart | undefined;

  beforeAll(async () => {
    started = await startPrism({ spec: PORT_SPEC });
    if (!started.ok) {
      if (process.env["CI"]) throw new Error(`Prism did not start, and CI must run the contract suite: ${started.reason}`);
      console.warn(`contract suite skipped: ${started.reason}`);
    }
  }, 200_000);

  afterAll(async () => {
    if (started?.ok) await started.prism.close();
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
    const result = await runProduct(["load"], { ...world.env, OCEAN__PORT__BASE_URL: prism.baseUrl, ...env });
    expectEndedCleanly(result);
    expectErrorsLocated(readRecordedErrors(world.dbPath, runsBefore));
    return { result, routes: prism.requests().slice(requestsBefore).map((r) => `${r.method} ${r.path}`) };
  }

  it("creates the blueprints and registers the integration with requests Port's spec accepts", async (ctx) => {
    const prism = prismOrSkip(started, ctx);
    const { result, routes } = await loadIntoPrism(prism);
    // GET /v1/integration/{identifier} has only 401 and 404 answers in the spec, and Prism picks the 401:
    // the load then stops with Port's refusal, which is its verdict to give.
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
    const unmatched = [...new Set(prism.unmatchedRoutes())];
    console.info(
      `Prism (Port): ${prism.requests().length} requests, ${prism.requestViolations().length} request-validation violations` +
        (unmatched.length > 0 ? `, routes not in the spec (not checked): ${unmatched.join(", ")}` : ""),
    );
    expectNoRequestViolations(prism);
    expect(unmatched.filter((route) => !ROUTES_NOT_IN_SPEC.some((known) => known.test(route)))).toEqual([]);
  });

  it("reads a request that breaks the spec from Prism's log (a bulk upsert whose entities are not an array)", async (ctx) => {
    const init = { method: "POST", headers: { authorization: "Bearer contract-test", "content-type": "application/json" }, body: '{"entities":"none"}' };
    await expectViolationDetected(prismOrSkip(started, ctx), "/v1/blueprints/incidentioUser/entities/bulk?upsert=true", init, /entities must be array/);
  });
});
