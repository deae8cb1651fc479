import { describe, expect, it } from "vitest";
import { describeSetting } from "../../../src/config/effective-settings";

describe("describeSetting", () => {
  it.each([
    { name: "pageSize", raw: undefined, value: "100", source: "default" },
    { name: "hasMorePath", raw: undefined, value: "-", source: "not set" },
    { name: "pageSize", raw: { value: "50", source: "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE" }, value: "50", source: "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE" },
    { name: "db", raw: { value: "a.sqlite", source: "--db" }, value: "a.sqlite", source: "--db" },
    { name: "eventListener", raw: { value: '{"type":"polling"}', source: "OCEAN__EVENT_LISTENER" }, value: "POLLING", source: "OCEAN__EVENT_LISTENER" },
    { name: "dropFields", raw: { value: ["a", "b"], source: "etl.config.yaml: etl.dropFields" }, value: "a,b", source: "etl.config.yaml: etl.dropFields" },
    { name: "insecure", raw: undefined, value: "false", source: "default" },
  ] as const)("shows $name from $source as $value", ({ name, raw, value, source }) => {
    const setting = describeSetting(name, raw);
    expect({ value: setting.value, source: setting.source, problem: setting.problem }).toEqual({ value, source, problem: undefined });
  });

  it.each([
    { name: "portClientSecret", raw: { value: "s3cr3t-value", source: "OCEAN__PORT__CLIENT_SECRET" } },
    { name: "token", raw: { value: "tok-value", source: "OCEAN__INTEGRATION__SECRETS__TOKEN_FILE" } },
    { name: "password", raw: { value: "   ", source: "OCEAN__INTEGRATION__SECRETS__PASSWORD" } },
  ] as const)("shows only that the secret $name is set, and where from", ({ name, raw }) => {
    const setting = describeSetting(name, raw);
    expect(setting.value).toBe("set");
    expect(setting.source).toBe(raw.source);
    expect(JSON.stringify(setting)).not.toContain(raw.value.trim() || "\u0000");
  });

  it("names what is wrong with a refused value", () => {
    expect(describeSetting("pageSize", { value: "abc", source: "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE" })).toMatchObject({ value: "abc", problem: "must be a number" });
  });

  it("labels a setting by its first variable, or its flag when it has none", () => {
    expect(describeSetting("token", undefined).label).toBe("OCEAN__INTEGRATION__SECRETS__TOKEN");
    expect(describeSetting("insecure", undefined).label).toBe("--insecure");
  });
});
