import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { readConfig } from "../../src/config/read-config";
import type { Config } from "../../src/model/config";
import type { IncidentIoSandbox } from "../../src/sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../../src/sandbox/port/server";
import { buildSandboxEnv } from "../../src/sandbox/product-env";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One product installation: its own staging file and its own Port, reading a shared Incident.io sandbox. */
export interface Installation {
  readonly port: PortSandbox;
  readonly config: Config;
}

/**
 * Starts an installation named `name` (its integration's identifier) with its staging file in `dir`
 * and `env` on top of Port's Docker example pointed at the sandboxes (buildSandboxEnv); its Port
 * closes when the current test finishes. Two installations over one Incident.io let a test compare
 * two ways of syncing the same source.
 */
export async function startInstallation(incidentIo: IncidentIoSandbox, dir: string, name: string, env: Readonly<Record<string, string>>): Promise<Installation> {
  const port = await startPortSandbox({ clientId: `${name}-client`, clientSecret: `${name}-secret` });
  onTestFinished(() => port.close());
  const config = readConfig(
    {
      env: {
        ...buildSandboxEnv({ incidentIo, port }, name),
        ETL_DB: join(dir, `${name}.sqlite`),
        PATH: process.env["PATH"],
        JQ_PATH: process.env["JQ_PATH"],
        ...env,
      },
      flags: {},
      cwd: ROOT,
    },
    { incidentIo: true, port: true, jq: true },
  );
  return { port, config };
}
