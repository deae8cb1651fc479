import { BlockList, isIP } from "node:net";
import type { NetworkSettings } from "../model/config";

interface NoProxyEntry {
  readonly host: string;
  readonly port: number | undefined;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

function stripBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, "");
}

function parseEntry(raw: string): NoProxyEntry {
  const entry = raw.trim().toLowerCase();
  // `[::1]:8080`, `host:8080`, or a bare IPv6 address (whose colons are not a port).
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] as string, port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { host: withPort[1] as string, port: Number(withPort[2]) };
  return { host: entry, port: undefined };
}

function matchesCidr(host: string, cidr: string): boolean {
  const [network, bits] = cidr.split("/");
  const family = isIP(network ?? "");
  const hostFamily = isIP(host);
  if (family === 0 || hostFamily !== family || bits === undefined || !/^\d+$/.test(bits)) return false;
  const list = new BlockList();
  const type = family === 4 ? "ipv4" : "ipv6";
  list.addSubnet(network as string, Number(bits), type);
  return list.check(host, type);
}

function matchesHost(host: string, pattern: string): boolean {
  if (pattern.includes("/")) return matchesCidr(host, pattern);
  // curl's rules: `.example.com` and `*.example.com` match subdomains; `example.com` matches itself and its subdomains.
  const suffix = pattern.replace(/^\*?\./, "");
  if (suffix === "") return false;
  return host === suffix || host.endsWith(`.${suffix}`);
}

/**
 * Whether `url` bypasses the proxy under a NO_PROXY list (comma or space separated): `*` matches
 * everything; entries match the host and its subdomains (`example.com`, `.example.com`,
 * `*.example.com`), IP addresses exactly or by CIDR (`10.0.0.0/8`), and only that port when one
 * is given (`host:8080`). Matching ignores case.
 */
export function isProxyBypassed(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = stripBrackets(url.hostname.toLowerCase()).replace(/\.$/, "");
  const port = url.port === "" ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (raw.trim() === "") continue;
    if (raw.trim() === "*") return true;
    const entry = parseEntry(raw);
    if (entry.port !== undefined && entry.port !== port) continue;
    if (matchesHost(host, stripBrackets(entry.host).replace(/\.$/, ""))) return true;
  }
  return false;
}

/**
 * The proxy URL to use for `url`, or undefined to connect directly. https URLs use HTTPS_PROXY and
 * fall back to HTTP_PROXY (corporate set-ups often set only the latter); http URLs use HTTP_PROXY.
 */
export function chooseProxy(url: URL, network: Pick<NetworkSettings, "httpsProxy" | "httpProxy" | "noProxy">): string | undefined {
  const proxy = url.protocol === "https:" ? (network.httpsProxy ?? network.httpProxy) : network.httpProxy;
  if (proxy === undefined || proxy === "") return undefined;
  return isProxyBypassed(url, network.noProxy) ? undefined : proxy;
}
