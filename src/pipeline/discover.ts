import { existsSync, rmSync, writeFileSync } from "node:fs";
import { openDatabase } from "../../db/database";
import { discover } from "../discover";
import { ConfigError } from "../errors";
import type { Config } from "../model/config";
import type { DiscoverKindSummary } from "../model/discovery";
import { programName } from "../program-name";
import { selectResources } from "./select-resources";

export interface DiscoverOptions {
  /** Kinds, short names or blueprints to propose for; all of the mapping's when undefined. */
  readonly only?: readonly string[] | undefined;
  /** Absolute paths of the files to write; neither may exist. */
  readonly blueprintsOut: string | undefined;
  readonly mappingOut: string | undefined;
}

export interface DiscoverReport {
  readonly databasePath: string;
  readonly blueprintsPath: string;
  readonly mappingPath: string;
  readonly kinds: readonly DiscoverKindSummary[];
}

function checkOutputs(options: DiscoverOptions): { blueprintsPath: string; mappingPath: string } {
  const issues: string[] = [];
  const outputs = [
    ["--blueprints-out", options.blueprintsOut, "the file to write the proposed blueprints (JSON) to"],
    ["--mapping-out", options.mappingOut, "the file to write the proposed mapping (port-app-config.yml) to"],
  ] as const;
  for (const [flag, path, what] of outputs) {
    if (path === undefined) issues.push(`${flag}: required: ${what}`);
    else if (existsSync(path)) issues.push(`${flag}: ${path} exists; discover never overwrites a file, name a new one`);
  }
  if (options.blueprintsOut !== undefined && options.blueprintsOut === options.mappingOut) {
    issues.push("--blueprints-out and --mapping-out name the same file; name two files");
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { blueprintsPath: options.blueprintsOut as string, mappingPath: options.mappingOut as string };
}

/** Writes both files, or neither: `wx` refuses a file that appeared since the check. */
function writeOutputs(files: readonly { path: string; text: string }[]): void {
  const written: string[] = [];
  try {
    for (const file of files) {
      writeFileSync(file.path, file.text, { flag: "wx" });
      written.push(file.path);
    }
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new ConfigError([`${(error as NodeJS.ErrnoException).path}: appeared while discover ran; nothing was written`]);
    throw error;
  }
}

/**
 * `etl discover`: reads the raw records of the staging file of `config` (never creating it, and
 * needing no credentials or network), proposes blueprints and a mapping for the selected kinds,
 * and writes them to the two files named, which must not exist. Throws ConfigError for missing or
 * existing output files, unknown `--only` names, or a staging file with no raw records to learn from.
 */
export async function runDiscover(config: Config, options: DiscoverOptions): Promise<DiscoverReport> {
  const { blueprintsPath, mappingPath } = checkOutputs(options);
  const { selected, unknown } = selectResources(config.mapping.resources, options.only);
  if (unknown.length > 0) {
    const known = config.mapping.resources.map((r) => r.name).join(", ");
    throw new ConfigError([`--only: ${unknown.join(", ")} match no resource of the mapping (known: ${known})`]);
  }
  if (!existsSync(config.databasePath)) {
    throw new ConfigError([`--db: ${config.databasePath} does not exist; discover learns from raw records: run ${programName()} extract first`]);
  }
  const opened = openDatabase(config.databasePath);
  try {
    const result = await discover({ db: opened.db }, { resources: selected, mapping: config.mapping, blueprints: config.blueprints });
    if (result.blueprints.length === 0) {
      throw new ConfigError([`--db: ${config.databasePath} holds no raw records of ${selected.map((r) => r.name).join(", ")}; run ${programName()} extract first`]);
    }
    writeOutputs([
      { path: blueprintsPath, text: `${JSON.stringify(result.blueprints, null, 2)}\n` },
      { path: mappingPath, text: result.mappingYaml },
    ]);
    return { databasePath: config.databasePath, blueprintsPath, mappingPath, kinds: result.kinds };
  } finally {
    await opened.close();
  }
}
