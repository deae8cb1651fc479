import { describe, expect, it } from "vitest";
import { programNameOf } from "../../src/program-name";

describe("programNameOf", () => {
  it.each([
    { name: "the installed command, which sets the variable", env: { INCIDENTIO_PORT_ETL_PROGRAM: "incidentio-port-etl" }, expected: "incidentio-port-etl" },
    { name: "pnpm etl in the checkout", env: { npm_lifecycle_event: "etl" }, expected: "pnpm etl" },
    { name: "node started on the sources or the build, without the variable", env: {}, expected: "pnpm etl" },
    { name: "any other text in the variable, which a hint never prints", env: { INCIDENTIO_PORT_ETL_PROGRAM: "\u001b[2Jrm -rf" }, expected: "pnpm etl" },
    { name: "an empty variable", env: { INCIDENTIO_PORT_ETL_PROGRAM: "" }, expected: "pnpm etl" },
  ])("$name: $expected", ({ env, expected }) => {
    expect(programNameOf(env)).toBe(expected);
  });
});
