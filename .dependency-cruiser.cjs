// The import rules of shared/STYLE.md §1 and DESIGN.md's layout, checked by `pnpm test`
// (`depcruise src db`). Each rule holds for the whole tree: none has an exception.
const STAGES = "^src/(extract|transform|load)/";

// dependency-cruiser reads TypeScript through swc (TypeScript 7 has no JS API for it); without swc it
// would skip every .ts file and report no violations, so fail instead.
require.resolve("@swc/core");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "stages-never-import-each-other",
      comment: "Stages hand data over only through SQLite tables; that is what makes staged runs, resumption and inspection work.",
      severity: "error",
      from: { path: "^src/(extract|transform|load)/", pathNot: "^src/$1/" },
      to: { path: STAGES, pathNot: "^src/$1/" },
    },
    {
      name: "only-the-demo-imports-the-sandbox",
      comment: "The sandbox stands in for Incident.io and Port in `etl demo`, the tests and the benchmark; the product itself never talks to it.",
      severity: "error",
      from: { path: "^(src|db)/", pathNot: ["^src/sandbox/", "^src/pipeline/demo\\.ts$"] },
      to: { path: "^src/sandbox/" },
    },
    {
      name: "stages-never-print",
      comment: "src/cli is the only code that prints or exits: stages report through the Progress port and their summaries. test/unit/architecture checks that no stage writes to the console or stdout/stderr.",
      severity: "error",
      from: { path: STAGES },
      to: { path: ["^src/cli/", "(^|/)node_modules/listr2/", "^(node:)?console$"] },
    },
    {
      name: "db-never-imports-a-stage",
      comment: "db/ holds the schema and the queries the stages share; a query that needs a stage's code belongs in that stage.",
      severity: "error",
      from: { path: "^db/" },
      to: { path: STAGES },
    },
    {
      name: "no-circular",
      comment: "A cycle makes the order of module initialisation matter and the layers meaningless.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
