import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The folder holding package.json, migrations/ and resources/. This file sits one folder below it, and
 * so does every chunk of the build in dist/: the same relative path holds for `pnpm etl` in a checkout,
 * the installed command and the Docker image, wherever the user's working directory is.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The package's version, as `--version` prints it and the User-Agent carries it. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, "utf8")) as { version: string }).version;
}
