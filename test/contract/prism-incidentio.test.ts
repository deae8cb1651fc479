import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildSandboxEnv } from "../../src/sandbox/product-env";
import type { CliResult } from "../helpers/cli-process";
import { INCIDENTIO_SPEC } from "../helpers/openapi-validator";
import { startSyncWorld } from "../helpers/sync-world";
import {
  deletesSince,
  expectEndedCleanly,
  expectErrorsLocated,
  expectNoRequestViolations,
  expectViolationDetected,
  lastRunId,
  readExtractStatus,
  readRecordedErrors,
  runProduct,
} from "./outcome";
import { prismOrSkip, startPrismForSuite, type PrismServer, type PrismStart } from "./prism-server";

// Prism serves Incident.io's published spec (spec/incidentio-openapi3.json, 2026-08-21), a stand-in
// nobody here wrote: its answers are the spec's own examples (static) or data generated from its
// schemas (dynamic), and its log says when a request breaks the spec.

const SHIPPED_MAPPING = fileURLToPath(new URL("../../resources/port-app-config.yml", import.meta.url));
const SPEC_PATHS = (JSON.parse(readFileSync(INCIDENTIO_SPEC, "utf8")) as { paths: Record<string, unknown> }).paths;
// The shipped mapping reads /v3/follow_ups, which the 2026-08-21 spec does not have: Prism answers 404.
const FOLLOW_UPS_V3 = "/v3/follow_ups";
const FOLLOW_UPS_V2 = "/v2/follow_ups";
const SPEC_HAS_FOLLOW_UPS_V3 = FOLLOW_UPS_V3 in SPEC_PATHS;
// Fixed, so that a failure can be replayed: Prism then answers an operation with the same body every time.
const DYNAMIC_SEED = "incidentio-port-etl";
// A good sync against the sandbox, then a run against Prism that is killed after a minute.
const RUN_TEST_TIMEOUT_MS = 150_000;

interface ShippedResource {
  readonly kind: string;
  readonly selector: { readonly pagination?: { readonly type?: string } };
}
const SHIPPED = (parseYaml(readFileSync(SHIPPED_MAPPING, "utf8")) as { resources: ShippedResource[] }).resources;
const pathOf = (kind: string) => kind.split("?")[0] ?? kind;
/** Kinds the spec has a route for and the mapping pages by cursor: Prism's examples give each the same `after` on every page. */
const CURSOR_KINDS = SHIPPED.filter((r) => r.selector.pagination?.type === "cursor" && pathOf(r.kind) in SPEC_PATHS).map((r) => r.kind);

function sandboxEnvAt(baseUrl: string, dir: string): Record<string, string> {
  return {
    // `etl extract` does not reach Port; its settings need only be well-formed.
    ...buildSandboxEnv(
      { incidentIo: { baseUrl, token: "contract-test-token" }, port: { baseUrl: "http://127.0.0.1:9", clientId: "unused", clientSecret: "unused" } },
      "contract-test",
    ),
    ETL_DB: join(dir, "etl.sqlite"),
    ...(process.env["JQ_PATH"] ? { JQ_PATH: process.env["JQ_PATH"] } : {}),
  };
}

function report(name: string, prism: PrismServer): void {
  const unmatched = [...new Set(prism.unmatchedRoutes())];
  console.info(
    `${name}: ${prism.requests().length} requests, ${prism.requestViolations().length} request-validation violations` +
      (unmatched.length > 0 ? `, routes not in the spec: ${unmatched.join(", ")}` : ""),
  );
}

describe("the product against Prism serving Incident.io's published spec", () => {
  let staticPrism: PrismStart | undefined;
  let dynamicPrism: PrismStart | undefined;
  const dirs: string[] = [];
  /** The first `etl extract` against the static examples, on an empty staging file. */
  let firstExtract: { result: CliResult; dbPath: string } | undefined;

  beforeAll(async () => {
    [staticPrism, dynamicPrism] = await Promise.all([
      startPrismForSuite({ spec: INCIDENTIO_SPEC }),
      startPrismForSuite({ spec: INCIDENTIO_SPEC, dynamic: true, seed: DYNAMIC_SEED }),
    ]);
    if (!staticPrism.ok) return;
    const dir = mkdtempSync(join(tmpdir(), "etl-prism-"));
    dirs.push(dir);
    const env = sandboxEnvAt(staticPrism.prism.baseUrl, dir);
    firstExtract = { result: await runProduct(["extract"], env), dbPath: env["ETL_DB"] ?? "" };
  }, 240_000);

  afterAll(async () => {
    await Promise.all([staticPrism, dynamicPrism].map((started) => (started?.ok ? started.prism.close() : undefined)));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe("static: the spec's examples", () => {
    it("ends the extract with a stage's verdict, not a crash or a hang", (ctx) => {
      prismOrSkip(staticPrism, ctx);
      expectEndedCleanly(firstExtract!.result);
    });

    it("fails every cursor-paged kind whose example repeats its cursor, naming the endpoint and the cursor", (ctx) => {
      prismOrSkip(staticPrism, ctx);
      const { result, dbPath } = firstExtract!;
      expect(CURSOR_KINDS.length).toBeGreaterThan(0);
      expect(result.code, result.stdout).toBe(1);
      const status = readExtractStatus(dbPath);
      for (const kind of CURSOR_KINDS) {
        const row = status.find((s) => s.kind === kind);
        expect(row, `${kind} has no extract_status row`).toBeDefined();
        // Read as complete, a list cut short at the repeated cursor would delete what it did not reach.
        expect({ kind, status: row?.status }).toEqual({ kind, status: "failed" });
        expect(row?.endpoint?.split("?")[0], `${kind}: ${row?.error}`).toBe(pathOf(kind));
        expect(row?.cursor, `${kind} names no cursor: ${row?.error}`).toMatch(/\S/);
        expect(row?.error).toContain(row?.cursor ?? "");
        expect(row?.pages, `${kind} read no page before failing`).toBeGreaterThanOrEqual(1);
      }
    });

    it("reads the unpaginated kinds complete from the examples", (ctx) => {
      prismOrSkip(staticPrism, ctx);
      const status = readExtractStatus(firstExtract!.dbPath);
      const unpaginated = SHIPPED.filter((r) => r.selector.pagination?.type === "none").map((r) => r.kind);
      expect(unpaginated.length).toBeGreaterThan(0);
      for (const kind of unpaginated) {
        const row = status.find((s) => s.kind === kind);
        expect({ kind, status: row?.status, error: row?.error ?? null }).toEqual({ kind, status: "complete", error: null });
        expect(row?.records, `${kind} stored no record of the example`).toBeGreaterThan(0);
      }
    });

    it.skipIf(!SPEC_HAS_FOLLOW_UPS_V3)(`reads ${FOLLOW_UPS_V3} as the spec describes it`, (ctx) => {
      prismOrSkip(staticPrism, ctx);
      expect(staticPrism?.ok && staticPrism.prism.unmatchedRoutes()).not.toContain(`GET ${FOLLOW_UPS_V3}`);
    });

    it(`falls back to ${FOLLOW_UPS_V2} when ${FOLLOW_UPS_V3} answers 404, and says so once`, (ctx) => {
      const prism = prismOrSkip(staticPrism, ctx);
      if (SPEC_HAS_FOLLOW_UPS_V3) ctx.skip(`the spec has ${FOLLOW_UPS_V3}: Prism does not answer it 404`);
      console.info(`${FOLLOW_UPS_V3} is not in the 2026-08-21 spec: its route is not checked, only the product's fallback on the 404`);
      const { result, dbPath } = firstExtract!;
      expect(prism.unmatchedRoutes()).toContain(`GET ${FOLLOW_UPS_V3}`);
      expect(prism.requests()).toContainEqual({ method: "GET", path: FOLLOW_UPS_V2 });
      const row = readExtractStatus(dbPath).find((s) => s.kind === FOLLOW_UPS_V3);
      expect({ status: row?.status, error: row?.error ?? null }).toEqual({ status: "complete", error: null });
      expect(row?.records).toBeGreaterThan(0);
      const output = `${result.stdout}\n${result.stderr}`.split("\n");
      const notices = output.filter((line) => line.includes(FOLLOW_UPS_V3) && line.includes(FOLLOW_UPS_V2));
      expect(notices, output.join("\n")).toHaveLength(1);
    });

    it("deletes nothing from Port when a run after a good sync meets the repeated cursors", async (ctx) => {
      const prism = prismOrSkip(staticPrism, ctx);
      const world = await startSyncWorld();
      const good = await world.cli(["run"]);
      expect(good.code, good.stderr).toBe(0);
      const before = world.port.requests.length;
      const runsBefore = lastRunId(world.dbPath);

      const result = await runProduct(["run"], { ...world.env, OCEAN__INTEGRATION__CONFIG__BASE_URL: prism.baseUrl });
      expectEndedCleanly(result);
      expect(result.code, result.stdout).toBe(1);
      // The cursor-paged kinds failed, so nothing of theirs may go; the unpaginated kinds read complete with
      // one example each, and the shipped entityDeletionThreshold withholds the rest of theirs.
      expect(deletesSince(world.port, before)).toEqual([]);
      const errors = readRecordedErrors(world.dbPath, runsBefore);
      expect(errors.failedKinds.map((k) => k.kind).sort()).toEqual(expect.arrayContaining([...CURSOR_KINDS].sort()));
      expectErrorsLocated(errors);
    }, RUN_TEST_TIMEOUT_MS);

    // Last, so that it covers the requests of every static run above.
    it("sends only requests the spec accepts: Prism's log has no request-validation violation", (ctx) => {
      const prism = prismOrSkip(staticPrism, ctx);
      report("Prism static (Incident.io)", prism);
      expectNoRequestViolations(prism);
      expect([...new Set(prism.unmatchedRoutes())]).toEqual(SPEC_HAS_FOLLOW_UPS_V3 ? [] : [`GET ${FOLLOW_UPS_V3}`]);
    });
  });

  describe("dynamic: data generated from the schemas", () => {
    it("ends in recorded, located errors, never in a crash, a hang or a delete", async (ctx) => {
      const prism = prismOrSkip(dynamicPrism, ctx);
      const world = await startSyncWorld();
      const good = await world.cli(["run"]);
      expect(good.code, good.stderr).toBe(0);
      const before = world.port.requests.length;
      const runsBefore = lastRunId(world.dbPath);

      const result = await runProduct(["run"], { ...world.env, OCEAN__INTEGRATION__CONFIG__BASE_URL: prism.baseUrl });
      expectEndedCleanly(result);
      expect(deletesSince(world.port, before)).toEqual([]);
      const errors = readRecordedErrors(world.dbPath, runsBefore);
      expectErrorsLocated(errors);
      const recorded = Object.values(errors).reduce((sum: number, rows: readonly unknown[]) => sum + rows.length, 0);
      expect(recorded, `random data left no recorded error\n${result.stdout}`).toBeGreaterThan(0);
      // A kind that failed fails the run: the exit code never hides a recorded failure.
      if (errors.failedKinds.length > 0) expect(result.code, result.stdout).toBe(1);
    }, RUN_TEST_TIMEOUT_MS);

    it("sends only requests the spec accepts: Prism's log has no request-validation violation", (ctx) => {
      const prism = prismOrSkip(dynamicPrism, ctx);
      report("Prism dynamic (Incident.io)", prism);
      expectNoRequestViolations(prism);
    });
  });

  it("reads a request that breaks the spec from Prism's log (alerts without the required page_size)", async (ctx) => {
    await expectViolationDetected(prismOrSkip(staticPrism, ctx), "/v2/alerts", {}, /page_size/);
  });
});
