import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseBlueprints } from "../../src/config/blueprints";
import { parsePortAppConfig } from "../../src/config/port-app-config";
import { readConfig } from "../../src/config/read-config";
import { ConfigError } from "../../src/errors";
import { CURSOR_PAGINATION } from "../helpers/pagination";
import { formatPath, generateMappingMutation, type MappingMutation } from "./mapping-mutations";
import { createSeededRandom } from "./seeded-random";

const SEED = 20_261_128;
const MAPPING_INPUTS = 1_000;
const CONFIG_FILE_INPUTS = 100;
const LABEL = "port-app-config.yml";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHIPPED = readFileSync(join(ROOT, "resources/port-app-config.yml"), "utf8");
const BLUEPRINTS = parseBlueprints(readFileSync(join(ROOT, "resources/blueprints.json"), "utf8"), "blueprints.json").blueprints;
// Every problem is located: a YAML position, or a path into the mapping ("(top level)" for the root).
const LOCATED = new RegExp(`^${LABEL.replace(".", "\\.")}: (invalid YAML: .+|\\(top level\\): .+|[A-Za-z_][^:\\s]*(\\[\\d+\\][^:\\s]*)*: .+|resources\\[\\d+\\][^:]*: .+)`, "s");

const scratch = mkdtempSync(join(tmpdir(), "etl-fuzz-yaml-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function describeFailure(mutation: MappingMutation, detail: string): string {
  return `seed ${SEED}, mutation "${mutation.description}": ${detail}\n--- input (first 2000 characters) ---\n${mutation.text.slice(0, 2000)}`;
}

/** The resources a structural mutation struck, as messages name them (`resources[3]`). */
function struckResources(mutation: MappingMutation): string[] {
  return mutation.paths.flatMap(([first, index]) => (first === "resources" && typeof index === "number" ? [`resources[${index}]`] : []));
}

describe(`mapping YAML fuzz (seed ${SEED})`, () => {
  it(`reads ${MAPPING_INPUTS} mutated mappings into a valid mapping or located problems, never a throw`, () => {
    const random = createSeededRandom(SEED);
    const base = parse(SHIPPED) as unknown;
    const outcomes = { rejected: 0, accepted: 0, warned: 0 };
    for (let input = 0; input < MAPPING_INPUTS; input += 1) {
      const mutation = generateMappingMutation(SHIPPED, base, random);
      let parsed: ReturnType<typeof parsePortAppConfig> | undefined;
      try {
        parsed = parsePortAppConfig(mutation.text, LABEL, CURSOR_PAGINATION, BLUEPRINTS);
      } catch (error) {
        expect.fail(describeFailure(mutation, `threw ${String(error)}`));
      }
      if (parsed.config === undefined) {
        outcomes.rejected += 1;
        expect(parsed.issues.length, describeFailure(mutation, "rejected without an issue")).toBeGreaterThan(0);
        for (const issue of parsed.issues) expect(issue, describeFailure(mutation, "an issue without a location")).toMatch(LOCATED);
        const resources = struckResources(mutation);
        const located = parsed.issues.some((issue) => !issue.includes("invalid YAML"));
        if (resources.length === mutation.paths.length && resources.length > 0 && located) {
          const named = parsed.issues.some((issue) => resources.some((r) => issue.includes(r)) || issue.startsWith(`${LABEL}: resources: `));
          expect(named, describeFailure(mutation, `no issue names ${resources.join(" or ")}: ${parsed.issues.join(" | ")}`)).toBe(true);
        }
      } else {
        outcomes.accepted += 1;
        expect(parsed.issues).toEqual([]);
        expect(parsed.config.resources.length).toBeGreaterThan(0);
        for (const resource of parsed.config.resources) {
          for (const expression of [resource.selector.query, resource.mappings.identifier, resource.mappings.blueprint, ...Object.values(resource.mappings.properties)]) {
            expect(typeof expression === "string" && expression.trim() !== "", describeFailure(mutation, "an empty expression was accepted")).toBe(true);
          }
        }
        if (parsed.warnings.some((w) => w.includes("unknown key"))) outcomes.warned += 1;
      }
      // Keys under properties, relations and the like are names the user chooses, not unknown keys.
      if (mutation.unknownKey !== undefined && !/\.(properties|relations|query_params|path_parameters)\.[^.]+$/.test(mutation.unknownKey)) {
        const messages = [...parsed.issues, ...parsed.warnings];
        const known = messages.some((m) => m.includes(mutation.unknownKey as string)) || parsed.config === undefined;
        expect(known, describeFailure(mutation, `the unknown key ${mutation.unknownKey} was ignored silently`)).toBe(true);
      }
    }
    expect(outcomes.rejected + outcomes.accepted).toBe(MAPPING_INPUTS);
    // The mix must exercise both outcomes, or the generator has drifted.
    expect(outcomes.rejected).toBeGreaterThan(MAPPING_INPUTS / 4);
    expect(outcomes.accepted).toBeGreaterThan(MAPPING_INPUTS / 10);
    expect(outcomes.warned).toBeGreaterThan(0);
  });

  it(`reads ${CONFIG_FILE_INPUTS} mutated config files into a Config or a ConfigError, never another throw`, () => {
    const random = createSeededRandom(SEED + 1);
    const valid = [
      "integration:",
      "  identifier: my-incidentio",
      "  config:",
      "    baseUrl: https://api.incident.io",
      "    paginationType: cursor",
      "    pageSize: 100",
      "port:",
      "  clientId: abc",
      "  baseUrl: https://api.port.io",
      "eventListener:",
      "  type: ONCE",
      "etl:",
      "  db: fuzz.sqlite",
      "  dropFields: [secret_token, email]",
      "  maxAttempts: 3",
      "",
    ].join("\n");
    const base = parse(valid) as unknown;
    const path = join(scratch, "etl.config.yaml");
    let rejected = 0;
    for (let input = 0; input < CONFIG_FILE_INPUTS; input += 1) {
      const mutation = generateMappingMutation(valid, base, random);
      writeFileSync(path, mutation.text);
      try {
        readConfig({ env: { PATH: process.env["PATH"] }, flags: { config: path }, cwd: scratch }, { incidentIo: false, port: false, jq: false });
      } catch (error) {
        expect(error, describeFailure(mutation, `threw ${String(error)}`)).toBeInstanceOf(ConfigError);
        const issues = (error as ConfigError).issues;
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(issue, describeFailure(mutation, "an issue that names neither the file nor a setting")).toMatch(/^(\S*etl\.config\.yaml|OCEAN__|ETL_|--)|^[\w.]+: /);
        rejected += 1;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it("names a struck resource by path for each kind of structural mutation", () => {
    // A sanity check of the property above on hand-picked paths.
    const base = parse(SHIPPED) as { resources: { port: { entity: { mappings: { properties: Record<string, unknown> } } } }[] };
    const broken = structuredClone(base);
    (broken.resources[3] as { port: { entity: { mappings: { properties: Record<string, unknown> } } } }).port.entity.mappings.properties["status"] = 42;
    const parsed = parsePortAppConfig(JSON.stringify(broken), LABEL, CURSOR_PAGINATION, BLUEPRINTS);
    expect(parsed.issues).toEqual([`${LABEL}: ${formatPath(["resources", 3, "port", "entity", "mappings", "properties", "status"])}: must be a jq expression (a string)`]);
  });
});
