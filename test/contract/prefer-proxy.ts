import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A route Prism should answer with a given status of the spec instead of the one it picks. */
export interface PreferredAnswer {
  readonly method: string;
  readonly pattern: RegExp;
  readonly code: number;
}

/** A forwarder in front of Prism; `baseUrl` is where the product is pointed. */
export interface PreferProxy {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` unchanged, except that requests matching `answers` carry
 * Prism's `Prefer: code=N` header. Prism picks an operation's first documented answer, and Port's
 * spec documents only 401 and 404 for reading an integration: without this, every load against
 * Prism would end at that (spec-made) refusal, and its later requests would go unchecked. The answer
 * is still the spec's own 404 example, served by Prism.
 */
export async function startPreferProxy(target: string, answers: readonly PreferredAnswer[]): Promise<PreferProxy> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? "/";
    const route = path.split("?")[0] ?? path;
    const preferred = answers.find((answer) => answer.method === incoming.method && answer.pattern.test(route));
    const headers: IncomingHttpHeaders = { ...incoming.headers, host: upstream.host, ...(preferred ? { prefer: `code=${preferred.code}` } : {}) };
    const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
