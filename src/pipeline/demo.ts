import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import type { Config } from "../model/config";
import { SILENT_PROGRESS } from "../model/progress";
import { Secret } from "../model/secret";
import type { JsonObject } from "../sandbox/incidentio/json";
import { makeLiveChange } from "../sandbox/incidentio/live-changes";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../sandbox/port/server";
import { buildSandboxEnv } from "../sandbox/product-env";
import { serveWebhooks } from "../serve/serve";
import { WEBHOOK_PATH } from "../serve/webhook-receiver";

export interface DemoSandboxes {
  /**
   * The environment a user would set for the real services, pointed at the sandboxes: Ocean's variable
   * names and the values of Port's Docker example (including its global page size of 100).
   */
  readonly env: Readonly<Record<string, string>>;
  readonly incidentIo: IncidentIoSandbox;
  readonly port: PortSandbox;
  /** Changes a few source records, as an on-call week would; returns one line per change, for the demo to print. */
  mutate(): string[];
  /**
   * Serves webhooks in this process over the staging file `config` names (synced by the demo's runs),
   * changes one incident's status in Incident.io, whose sandbox posts the signed events, and waits for
   * Port to hold the new status; returns the lines to print. Throws when Port does not have it in time.
   */
  showLiveUpdate(config: Config, signal: AbortSignal): Promise<string[]>;
  close(): Promise<void>;
}

const DEMO_CLIENT_ID = "demo-client-id";
const DEMO_CLIENT_SECRET = "demo-client-secret";

/** Starts an Incident.io sandbox with a realistic small organization and an empty Port sandbox on 127.0.0.1. */
export async function startDemoSandboxes(): Promise<DemoSandboxes> {
  const incidentIo = await startIncidentIoSandbox({ seed: 7, scale: "demo" });
  const port = await startPortSandbox({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }).catch(async (error: unknown) => {
    await incidentIo.close();
    throw error;
  });
  const env = buildSandboxEnv({ incidentIo, port }, "my-ocean-incidentio-integration");
  return {
    env,
    incidentIo,
    port,
    mutate() {
      const data = incidentIo.dataset;
      const incident = data.records("incidents").next().value as { id: string; name: string } | undefined;
      const alerts = [...take(data.records("alerts"), 2)] as { id: string; title: string }[];
      const followUp = data.records("follow_ups").next().value as { id: string; title: string } | undefined;
      const schedule = data.records("schedules").next().value as { id: string } | undefined;
      const lines: string[] = [];
      if (incident) {
        data.update("incidents", incident.id, { name: `${incident.name} (customer impact confirmed)` });
        lines.push(`renamed incident ${incident.id}`);
      }
      for (const alert of alerts) {
        data.update("alerts", alert.id, { status: "resolved", resolved_at: new Date().toISOString() });
        lines.push(`resolved alert ${alert.id}`);
      }
      if (followUp) {
        data.update("follow_ups", followUp.id, { status: "completed", completed_at: new Date().toISOString() });
        lines.push(`completed follow-up ${followUp.id}`);
      }
      // The second run reads incidents, follow-ups and alerts incrementally, which cannot see deletions
      // (the next full extract of those kinds does): the deletion shown is of a kind read in full every run.
      if (schedule) {
        data.remove("schedules", schedule.id);
        lines.push(`deleted schedule ${schedule.id}`);
      }
      const user = data.add("users", { name: "Dana Demo", email: "dana.demo@example.com" }) as { id: string };
      lines.push(`added user ${user.id}`);
      return lines;
    },
    showLiveUpdate: (config, signal) => showLiveUpdate(incidentIo, port, config, signal),
    close: async () => {
      await Promise.all([incidentIo.close(), port.close()]);
    },
  };
}

// The shipped mapping's blueprint for incidents, and the property holding the status's name.
const INCIDENT_BLUEPRINT = "incidentioIncident";
const STATUS_PROPERTY = "statusName";
const LIVE_TIMEOUT_MS = 15_000;
const POLL_MS = 10;
// Should a delivery fail, Svix's redelivery schedule, played 1000 times faster, still fits the wait.
const REDELIVERY_SCALE = 0.001;

/** A port on 127.0.0.1 that the OS reports free now (serve listens on it a moment later). */
async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("the OS gave no loopback port");
  return address.port;
}

/** Polls `check` every few milliseconds until it returns a value, `signal` aborts or `timeoutMs` passes. */
async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, signal: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted && Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return undefined;
}

async function isReady(url: string): Promise<true | undefined> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok ? true : undefined;
  } catch {
    return undefined;
  }
}

function statusNameOf(incident: JsonObject): unknown {
  return (incident["incident_status"] as JsonObject | undefined)?.["name"];
}

async function showLiveUpdate(incidentIo: IncidentIoSandbox, port: PortSandbox, config: Config, signal: AbortSignal): Promise<string[]> {
  const listenPort = await freeLoopbackPort();
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const stop = new AbortController();
  const stopServe = (): void => stop.abort();
  signal.addEventListener("abort", stopServe, { once: true });
  const said: string[] = [];
  const serving = serveWebhooks({
    config: { ...config, serve: { host: "127.0.0.1", port: listenPort, webhookSecret: new Secret(secret) } },
    signal: stop.signal,
    log: (line) => said.push(line),
    progress: SILENT_PROGRESS,
  });
  // serve failing to start ends the wait for readiness at once.
  const failed = serving.then(
    () => undefined,
    (error: unknown) => error,
  );
  const base = `http://127.0.0.1:${listenPort}`;
  try {
    const ready = await Promise.race([waitFor(() => isReady(`${base}/readyz`), LIVE_TIMEOUT_MS, signal), failed.then(() => false as const)]);
    if (ready !== true) throw (await Promise.race([failed, Promise.resolve(undefined)])) ?? new Error(`live update: serve was not ready on ${base} within ${LIVE_TIMEOUT_MS / 1000} s`);
    await incidentIo.webhooks.configure({ url: `${base}${WEBHOOK_PATH}`, secret, redelivery: { scale: REDELIVERY_SCALE } });

    const incident = incidentIo.dataset.records("incidents").next().value as JsonObject | undefined;
    if (!incident) throw new Error("live update: the Incident.io sandbox lists no incident");
    const id = String(incident["id"]);
    const target = statusNameOf(incident) === "Closed" ? "Investigating" : "Closed";
    const writesBefore = port.writes.length;
    incidentIo.webhooks.takeSentIds();
    makeLiveChange(incidentIo.dataset, { type: "incident-status", id, status: target }, 1);
    const sentIds = new Set(incidentIo.webhooks.takeSentIds());

    const arrived = await waitFor(() => (port.entity(INCIDENT_BLUEPRINT, id)?.properties[STATUS_PROPERTY] === target ? true : undefined), LIVE_TIMEOUT_MS, signal);
    if (signal.aborted) return [];
    if (!arrived) throw new Error(`live update: Port did not have ${String(incident["reference"])}'s new status ${target} within ${LIVE_TIMEOUT_MS / 1000} s; serve said:\n${said.join("\n")}`);
    const sentAt = Math.min(...incidentIo.webhooks.attempts.filter((attempt) => sentIds.has(attempt.webhookId)).map((attempt) => attempt.at));
    const written = port.writes.slice(writesBefore).find((write) => write.op === "upsert" && write.blueprint === INCIDENT_BLUEPRINT && write.identifier === id);
    const seconds = ((written?.at ?? Date.now()) - sentAt) / 1000;
    const reference = String(incident["reference"]);
    return [
      `3. Live updates: serve listens on ${base}${WEBHOOK_PATH} in this process, where the Incident.io sandbox posts its signed webhooks.`,
      `   Meanwhile in Incident.io: ${reference}'s status changes to ${target}.`,
      `Live: ${reference} status → ${target} reached Port ${seconds.toFixed(1)} s after Incident.io sent it (webhook, no run)`,
    ];
  } finally {
    stop.abort();
    signal.removeEventListener("abort", stopServe);
    await failed;
    await incidentIo.webhooks.configure(undefined);
  }
}

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    taken += 1;
    if (taken >= count) return;
  }
}
