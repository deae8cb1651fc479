import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { describeSetting } from "../../../src/config/effective-settings";
import { readConfig, type ConfigNeeds } from "../../../src/config/read-config";
import { ConfigError } from "../../../src/errors";

const SERVE: ConfigNeeds = { incidentIo: false, port: false, jq: false, webhookSecret: true };
// A syntactically valid signing secret (whsec_ + base64 of 24 bytes), not a real one.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function issuesOf(env: Readonly<Record<string, string | undefined>>, needs: ConfigNeeds = SERVE): readonly string[] {
  try {
    readConfig({ env, flags: {}, cwd: mkdtempSync(join(tmpdir(), "etl-serve-config-")) }, needs);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe("serve's settings", () => {
  it("listen on 0.0.0.0:8080 by default, and keep the signing secret redacted", () => {
    const config = readConfig({ env: { ETL_WEBHOOK_SECRET: SECRET }, flags: {}, cwd: tmpdir() }, SERVE);
    expect([config.serve.host, config.serve.port]).toEqual(["0.0.0.0", 8080]);
    expect(config.serve.webhookSecret?.reveal()).toBe(SECRET);
    expect(`${JSON.stringify(config)} ${inspect(config, { depth: 10 })}`).not.toContain(SECRET.slice(6));
  });

  it("reads the host and port from ETL_SERVE_HOST and ETL_SERVE_PORT", () => {
    const config = readConfig({ env: { ETL_WEBHOOK_SECRET: SECRET, ETL_SERVE_HOST: "127.0.0.1", ETL_SERVE_PORT: "0" }, flags: {}, cwd: tmpdir() }, SERVE);
    expect([config.serve.host, config.serve.port]).toEqual(["127.0.0.1", 0]);
  });

  it.each([
    { name: "a missing secret", env: {}, issue: /^ETL_WEBHOOK_SECRET is required to serve/ },
    { name: "a secret without the whsec_ prefix", env: { ETL_WEBHOOK_SECRET: "not-a-signing-secret-value" }, issue: /^ETL_WEBHOOK_SECRET: must be the webhook endpoint's signing secret/ },
    { name: "a whsec_ secret that is not base64", env: { ETL_WEBHOOK_SECRET: "whsec_not base64!" }, issue: /^ETL_WEBHOOK_SECRET: must be/ },
    { name: "a port out of range", env: { ETL_WEBHOOK_SECRET: SECRET, ETL_SERVE_PORT: "70000" }, issue: /^ETL_SERVE_PORT: must be 0 to 65535/ },
    { name: "a port that is no number", env: { ETL_WEBHOOK_SECRET: SECRET, ETL_SERVE_PORT: "http" }, issue: /^ETL_SERVE_PORT: must be a number/ },
  ])("refuses $name, without echoing the secret", ({ env, issue }) => {
    const issues = issuesOf(env);
    expect(issues.join("\n")).toMatch(issue);
    if (env.ETL_WEBHOOK_SECRET) expect(issues.join("\n")).not.toContain(env.ETL_WEBHOOK_SECRET);
    expect(issues).toHaveLength(1);
  });

  it("asks for no signing secret from the commands that do not serve", () => {
    expect(issuesOf({}, { incidentIo: false, port: false, jq: false })).toEqual([]);
  });

  it("shows only that the signing secret is set in etl config, even when it is refused", () => {
    for (const value of [SECRET, "wrong-format-secret"]) {
      const setting = describeSetting("webhookSecret", { value, source: "ETL_WEBHOOK_SECRET" });
      expect(setting.value).toBe("set");
      expect(JSON.stringify(setting)).not.toContain(value);
    }
  });
});
