import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type {
  HostCounters,
  HostEndpoints,
  HostMessage,
  HostOptions,
  HostRequest,
  HostWebhookTarget,
  MutationReport,
  PortComparison,
  SimulatedRateLimit,
  StreamReport,
  WebhookDeliveryReport,
} from "./host-protocol";
import type { MutableKind } from "./mutations";

const HOST_SCRIPT = fileURLToPath(new URL("./sandbox-host.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const START_TIMEOUT_MS = 120_000;
// A mutation reads every listed record of a kind once, a Port comparison every entity: minutes at the xl scale.
const REQUEST_TIMEOUT_MS = 600_000;
// The Port sandbox holds every entity the product pushed, 1.2 million at the xl scale, in memory:
// more than V8's default heap. The host's memory is not the product's and is not measured.
const HOST_NODE_FLAGS = ["--max-old-space-size=6144"];

/** The sandbox process as the benchmark drives it. */
export interface SandboxHost {
  readonly endpoints: HostEndpoints;
  counters(): Promise<HostCounters>;
  mutate(fraction: number, kinds: readonly MutableKind[]): Promise<MutationReport>;
  setLatency(incidentIoMs: number): Promise<void>;
  /** Restarts Incident.io's sandbox with this budget: its base URL changes and earlier changes are gone. */
  setRateLimit(rateLimit: SimulatedRateLimit | undefined): Promise<HostEndpoints>;
  /** Port's entities against the staged entities of the staging file at `databasePath`. */
  comparePort(databasePath: string): Promise<PortComparison>;
  /** Posts Incident.io's events of later changes to `target`. */
  configureWebhooks(target: HostWebhookTarget): Promise<void>;
  /** Makes changes in Incident.io until `events` events were posted, `perSecond` a second. */
  streamWebhooks(events: number, perSecond: number, seed: number): Promise<StreamReport>;
  /** Waits for every event to be delivered or given up, then reports the deliveries and their latency to Port. */
  readWebhookDeliveries(timeoutMs: number): Promise<WebhookDeliveryReport>;
  close(): Promise<void>;
}

/**
 * Forks bench/sandbox-host.ts serving `options` and resolves once both sandboxes listen. Every call
 * fails after a timeout rather than waiting on a host that stopped answering.
 */
export async function startSandboxHost(options: HostOptions): Promise<SandboxHost> {
  const child: ChildProcess = fork(HOST_SCRIPT, [JSON.stringify(options)], { cwd: ROOT, execArgv: [...HOST_NODE_FLAGS, "--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let exited = false;

  const failAll = (error: Error): void => {
    for (const { reject, timer } of pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    pending.clear();
  };

  const ready = new Promise<HostEndpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox host did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.on("message", (raw) => {
      const message = raw as HostMessage;
      if ("type" in message) {
        clearTimeout(timer);
        resolve(message.endpoints);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`sandbox host: ${message.error}`));
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      exited = true;
      clearTimeout(timer);
      const error = new Error(`the sandbox host exited (${signal ?? code})`);
      reject(error);
      failAll(error);
    });
  });

  const ask = <T>(request: HostRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error("the sandbox host is not running"));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the sandbox host did not answer ${request.type} within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, { resolve: (value) => resolve(value as T), reject, timer });
      child.send({ id, request });
    });

  let endpoints: HostEndpoints;
  try {
    endpoints = await ready;
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    get endpoints() {
      return endpoints;
    },
    counters: () => ask<HostCounters>({ type: "counters" }),
    mutate: (fraction, kinds) => ask<MutationReport>({ type: "mutate", fraction, kinds }),
    setLatency: async (incidentIoMs) => {
      await ask<HostEndpoints>({ type: "set-latency", incidentIoMs });
    },
    setRateLimit: async (rateLimit) => {
      endpoints = await ask<HostEndpoints>({ type: "set-rate-limit", rateLimit });
      return endpoints;
    },
    comparePort: (databasePath) => ask<PortComparison>({ type: "compare-port", databasePath }),
    configureWebhooks: async (target) => {
      await ask<null>({ type: "configure-webhooks", target });
    },
    streamWebhooks: (events, perSecond, seed) => ask<StreamReport>({ type: "stream-webhooks", events, perSecond, seed }),
    readWebhookDeliveries: (timeoutMs) => ask<WebhookDeliveryReport>({ type: "webhook-deliveries", timeoutMs }),
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.disconnect();
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(killer);
    },
  };
}
