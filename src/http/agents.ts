import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import { HttpsProxyAgent } from "https-proxy-agent";
import { ConfigError } from "../errors";
import type { NetworkSettings } from "../model/config";
import { chooseProxy } from "./proxy";

/** Picks the connection pool for a URL; `destroy()` closes every pooled socket. */
export interface AgentPool {
  agentFor(url: URL): HttpAgent;
  destroy(): void;
}

// In flight per origin; the callers bound concurrency themselves, this only stops a runaway.
const MAX_SOCKETS = 64;

interface TlsOptions {
  ca?: string[];
  rejectUnauthorized: boolean;
}

function readCa(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`${what}: cannot read CA certificates from ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
}

/**
 * TLS options for every connection. A custom `ca` replaces Node's trust store (including what
 * NODE_EXTRA_CA_CERTS added), so the extra files are appended to Node's root certificates.
 */
function buildTlsOptions(network: NetworkSettings): TlsOptions {
  const extra = [
    ...(network.caFile ? [readCa(network.caFile, "CA file")] : []),
    ...(network.extraCaFile ? [readCa(network.extraCaFile, "NODE_EXTRA_CA_CERTS")] : []),
  ];
  return {
    ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
    rejectUnauthorized: network.verifyTls,
  };
}

type ConnectOptions = Parameters<HttpsProxyAgent<string>["connect"]>[1];

/**
 * HttpsProxyAgent applies its constructor's TLS options to the proxy connection only, not to the TLS
 * session it opens to the target through the tunnel, so they are added to each target connection here.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  readonly #tls: TlsOptions;

  constructor(proxy: string, tls: TlsOptions) {
    super(proxy, { keepAlive: true, maxSockets: MAX_SOCKETS, ...tls });
    this.#tls = tls;
  }

  override connect(req: Parameters<HttpsProxyAgent<string>["connect"]>[0], opts: ConnectOptions): ReturnType<HttpsProxyAgent<string>["connect"]> {
    return super.connect(req, { ...opts, ...this.#tls });
  }
}

/**
 * Keep-alive pools for direct http and https connections and one per proxy (which tunnels both
 * schemes with CONNECT), all sharing the TLS settings. Reads the CA files once; throws ConfigError
 * when one cannot be read.
 */
export function createAgentPool(network: NetworkSettings): AgentPool {
  const tls = buildTlsOptions(network);
  const http = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...tls });
  const proxies = new Map<string, HttpAgent>();
  return {
    agentFor(url) {
      const proxy = chooseProxy(url, network);
      if (proxy === undefined) return url.protocol === "https:" ? https : http;
      let agent = proxies.get(proxy);
      if (!agent) {
        agent = new TunnelAgent(proxy, tls);
        proxies.set(proxy, agent);
      }
      return agent;
    },
    destroy() {
      http.destroy();
      https.destroy();
      for (const agent of proxies.values()) agent.destroy();
    },
  };
}
