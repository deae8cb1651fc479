import { describe, expect, it } from "vitest";
import { readConfig } from "../../../src/config/read-config";

const NO_NEEDS = { incidentIo: false, port: false, jq: false };

describe("readConfig and the environment's names", () => {
  it("warns about a misspelt OCEAN__ variable, naming the setting it likely meant", () => {
    const config = readConfig({ env: { OCEAN__PORT__CLIENTID: "abc" }, flags: {}, cwd: process.cwd() }, NO_NEEDS);
    expect(config.warnings).toContain("OCEAN__PORT__CLIENTID is set, but no setting reads it: did you mean OCEAN__PORT__CLIENT_ID?");
  });

  it.each([
    { env: { OCEAN__EVENT_LISTENER__TYPE: "POLLING" }, expected: "POLLING" },
    { env: { OCEAN__EVENT_LISTENER__TYPE: "once" }, expected: "ONCE" },
    { env: { OCEAN__EVENT_LISTENER: '{"type":"POLLING"}' }, expected: "POLLING" },
  ])("reads the event listener from $env, as Ocean's nested names do", ({ env, expected }) => {
    const config = readConfig({ env, flags: {}, cwd: process.cwd() }, NO_NEEDS);
    expect(config.eventListener).toBe(expected);
    expect(config.warnings.filter((warning) => warning.includes("EVENT_LISTENER"))).toEqual([]);
  });
});
