import { describe, expect, it } from "vitest";
import { chooseProxy, isProxyBypassed } from "../../../src/http/proxy";

describe("isProxyBypassed", () => {
  it.each([
    { name: "no NO_PROXY", url: "https://api.incident.io/v2/users", noProxy: undefined, expected: false },
    { name: "an empty NO_PROXY", url: "https://api.incident.io/", noProxy: "", expected: false },
    { name: "a wildcard", url: "https://api.incident.io/", noProxy: "*", expected: true },
    { name: "the exact host", url: "https://api.incident.io/", noProxy: "api.incident.io", expected: true },
    { name: "a parent domain", url: "https://api.incident.io/", noProxy: "incident.io", expected: true },
    { name: "a leading-dot domain", url: "https://api.incident.io/", noProxy: ".incident.io", expected: true },
    { name: "a star-dot domain", url: "https://api.incident.io/", noProxy: "*.incident.io", expected: true },
    { name: "a domain that only shares a suffix", url: "https://api.notincident.io/", noProxy: "incident.io", expected: false },
    { name: "another host", url: "https://api.port.io/", noProxy: "incident.io,localhost", expected: false },
    { name: "entries separated by spaces and commas", url: "http://localhost:8080/", noProxy: " example.com , localhost ", expected: true },
    { name: "letter case", url: "https://API.Incident.IO/", noProxy: "api.INCIDENT.io", expected: true },
    { name: "a matching port", url: "http://127.0.0.1:8080/", noProxy: "127.0.0.1:8080", expected: true },
    { name: "another port", url: "http://127.0.0.1:9090/", noProxy: "127.0.0.1:8080", expected: false },
    { name: "the scheme's default port", url: "https://api.incident.io/", noProxy: "api.incident.io:443", expected: true },
    { name: "an IPv4 CIDR block", url: "http://10.1.2.3/", noProxy: "10.0.0.0/8", expected: true },
    { name: "an address outside the block", url: "http://11.1.2.3/", noProxy: "10.0.0.0/8", expected: false },
    { name: "a host name against a CIDR block", url: "http://ten.example/", noProxy: "10.0.0.0/8", expected: false },
    { name: "a bracketed IPv6 address", url: "http://[::1]:3000/", noProxy: "[::1]", expected: true },
    { name: "a bare IPv6 address", url: "http://[::1]:3000/", noProxy: "::1", expected: true },
    { name: "an IPv6 CIDR block", url: "http://[fd00::5]/", noProxy: "fd00::/8", expected: true },
    { name: "a trailing dot on the host", url: "https://api.incident.io./", noProxy: "incident.io", expected: true },
    { name: "a lone dot", url: "https://api.incident.io/", noProxy: ".", expected: false },
  ])("decides $name → $expected", ({ url, noProxy, expected }) => {
    expect(isProxyBypassed(new URL(url), noProxy)).toBe(expected);
  });
});

describe("chooseProxy", () => {
  const both = { httpsProxy: "http://secure-proxy:3128", httpProxy: "http://plain-proxy:3128", noProxy: "localhost" };
  it.each([
    { name: "https URLs use HTTPS_PROXY", url: "https://api.incident.io/", network: both, expected: "http://secure-proxy:3128" },
    { name: "http URLs use HTTP_PROXY", url: "http://api.incident.io/", network: both, expected: "http://plain-proxy:3128" },
    {
      name: "https URLs fall back to HTTP_PROXY",
      url: "https://api.incident.io/",
      network: { httpsProxy: undefined, httpProxy: "http://plain-proxy:3128", noProxy: undefined },
      expected: "http://plain-proxy:3128",
    },
    {
      name: "http URLs do not use HTTPS_PROXY",
      url: "http://api.incident.io/",
      network: { httpsProxy: "http://secure-proxy:3128", httpProxy: undefined, noProxy: undefined },
      expected: undefined,
    },
    { name: "NO_PROXY hosts connect directly", url: "https://localhost:8443/", network: both, expected: undefined },
    {
      name: "no proxy settings connect directly",
      url: "https://api.incident.io/",
      network: { httpsProxy: undefined, httpProxy: undefined, noProxy: undefined },
      expected: undefined,
    },
  ])("$name", ({ url, network, expected }) => {
    expect(chooseProxy(new URL(url), network)).toBe(expected);
  });
});
