import { describe, expect, it } from "vitest";
import { normalizePortBaseUrl } from "../../../db/queries/port-binding";
import { decidePortBinding, describeOtherPort } from "../../../src/pipeline/port-binding";

const EU = { baseUrl: "https://api.port.io", clientId: "client-a" };

describe("decidePortBinding", () => {
  it.each([
    { name: "a file with no binding is bound by its first load", bound: undefined, configured: EU, adopt: false, expected: "unbound" },
    { name: "the same Port", bound: EU, configured: EU, adopt: false, expected: "same" },
    { name: "the same Port written with a trailing slash and upper case", bound: EU, configured: { baseUrl: "HTTPS://API.PORT.IO/", clientId: "client-a" }, adopt: false, expected: "same" },
    { name: "the same URL with the default port", bound: EU, configured: { baseUrl: "https://api.port.io:443", clientId: "client-a" }, adopt: false, expected: "same" },
    { name: "no client id (plan) compares the URL alone", bound: EU, configured: { baseUrl: EU.baseUrl, clientId: undefined }, adopt: false, expected: "same" },
    { name: "another region is refused", bound: EU, configured: { baseUrl: "https://api.us.port.io", clientId: "client-a" }, adopt: false, expected: "refuse" },
    { name: "another organization (client id) is refused", bound: EU, configured: { baseUrl: EU.baseUrl, clientId: "client-b" }, adopt: false, expected: "refuse" },
    { name: "no client id still refuses another URL", bound: EU, configured: { baseUrl: "https://api.us.port.io", clientId: undefined }, adopt: false, expected: "refuse" },
    { name: "another Port with --adopt-port is adopted", bound: EU, configured: { baseUrl: "https://api.us.port.io", clientId: "client-b" }, adopt: true, expected: "adopt" },
    { name: "--adopt-port on the same Port changes nothing", bound: EU, configured: EU, adopt: true, expected: "same" },
  ])("$name", ({ bound, configured, adopt, expected }) => {
    expect(decidePortBinding(bound, configured, adopt).type).toBe(expected);
  });

  it("names both Ports and both ways out, never a secret", () => {
    expect(describeOtherPort("/data/etl.sqlite", EU, { baseUrl: "https://api.us.port.io/", clientId: "client-b" })).toMatchInlineSnapshot(
      `"staging file /data/etl.sqlite syncs with the Port at https://api.port.io (client id client-a), not with the Port configured now, https://api.us.port.io (client id client-b): what it records as pushed describes the other Port, so nothing was sent. Either adopt the file for the Port configured now (rerun with --adopt-port: it forgets what the other Port holds, reads this Port's entities first and pushes what differs), or start a fresh staging file for it (--db new.sqlite, or ETL_DB)"`,
    );
  });
});

describe("normalizePortBaseUrl", () => {
  it.each([
    ["https://api.port.io", "https://api.port.io"],
    ["https://api.port.io/", "https://api.port.io"],
    ["HTTPS://Api.Port.IO", "https://api.port.io"],
    ["https://api.port.io:443/", "https://api.port.io"],
    ["http://127.0.0.1:8080/port/", "http://127.0.0.1:8080/port"],
    ["https://api.port.io/?x=1#f", "https://api.port.io"],
    [" not a url/ ", "not a url"],
  ])("%s → %s", (input, expected) => {
    expect(normalizePortBaseUrl(input)).toBe(expected);
  });
});
