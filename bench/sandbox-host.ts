// The benchmark's sandbox process: serves the Incident.io and Port sandboxes away from the measured
// product, so the product's peak RSS and CPU are its own. Started by bench/host-client.ts with
// `node --import tsx bench/sandbox-host.ts <HostOptions JSON>`; answers HostRequest messages over IPC
// and exits when the channel closes.
import type { JsonObject } from "../src/sandbox/incidentio/json";
import { startIncidentIoSandbox, type IncidentIoSandbox } from "../src/sandbox/incidentio/server";
import type { RecordedRequest } from "../src/sandbox/shared/request-log";
import { startPortSandbox } from "../src/sandbox/port/server";
import type { WriteLogEntry } from "../src/sandbox/port/types";
import { countInto, listOptionsFor, nameRoute, type HostCounters, type HostEndpoints, type HostMessage, type HostOptions, type HostRequest, type MutationReport, type SimulatedRateLimit } from "./host-protocol";
import { buildMutation, countMutations, pickPositions, type MutableKind } from "./mutations";

const TOKEN = "inc_bench_token";
const CLIENT_ID = "bench-client-id";
const CLIENT_SECRET = "bench-client-secret";
// The request logs keep every body; draining them often keeps the host's memory flat on a large load.
const DRAIN_EVERY_MS = 250;

const options = JSON.parse(process.argv[2] ?? "{}") as HostOptions;

async function startIncidentIo(rateLimit: SimulatedRateLimit | undefined): Promise<IncidentIoSandbox> {
  return startIncidentIoSandbox({ seed: options.seed, scale: options.counts, token: TOKEN, ...(rateLimit ? { rateLimit } : {}) });
}

let incidentIo = await startIncidentIo(undefined);
const port = await startPortSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

const incidentIoTally = { requests: 0, byPath: {} as Record<string, number>, byStatus: {} as Record<string, number> };
const portTally = { requests: 0, byRoute: {} as Record<string, number>, byStatus: {} as Record<string, number>, writes: { upsert: 0, delete: 0, placeholder: 0 } as Record<WriteLogEntry["op"], number> };
// Requests still being answered when a drain ran: their status is tallied once it is known.
let unsettled: { entry: RecordedRequest; byStatus: Record<string, number> }[] = [];

function settle(final: boolean): void {
  const waiting: typeof unsettled = [];
  for (const item of unsettled) {
    if (item.entry.status !== 0 || final) countInto(item.byStatus, String(item.entry.status));
    else waiting.push(item);
  }
  unsettled = waiting;
}

function drain(final: boolean): void {
  for (const entry of incidentIo.requests.splice(0)) {
    incidentIoTally.requests += 1;
    countInto(incidentIoTally.byPath, entry.path);
    unsettled.push({ entry, byStatus: incidentIoTally.byStatus });
  }
  for (const entry of port.requests.splice(0)) {
    portTally.requests += 1;
    countInto(portTally.byRoute, nameRoute(entry.method, entry.path));
    unsettled.push({ entry, byStatus: portTally.byStatus });
  }
  for (const write of port.writes.splice(0)) portTally.writes[write.op] += 1;
  settle(final);
}

function readCounters(): HostCounters {
  // Called between product runs, when nothing is in flight: every status is known.
  drain(true);
  const usage = process.resourceUsage();
  return {
    incidentIo: { requests: incidentIoTally.requests, byPath: { ...incidentIoTally.byPath }, byStatus: { ...incidentIoTally.byStatus } },
    port: { requests: portTally.requests, byRoute: { ...portTally.byRoute }, byStatus: { ...portTally.byStatus }, writes: { ...portTally.writes } },
    host: { maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
  };
}

let serial = 0;

/** Changes `fraction` of the listed records of each kind, spread evenly over each list. */
function mutate(fraction: number, kinds: readonly MutableKind[]): MutationReport {
  const dataset = incidentIo.dataset;
  const spareMember = (dataset.records("users", listOptionsFor("users")).next().value ?? {}) as JsonObject;
  const member: JsonObject = { id: spareMember["id"] ?? null, name: spareMember["name"] ?? null };
  const byKind: Partial<Record<MutableKind, number>> = {};
  let total = 0;
  for (const kind of kinds) {
    const listed = dataset.count(kind, listOptionsFor(kind));
    const positions = pickPositions(listed, countMutations(listed, fraction));
    const chosen: JsonObject[] = [];
    let position = 0;
    let next = 0;
    // The list is read once, in its order, so a record the list hides (a test incident) is never chosen.
    for (const record of dataset.records(kind, listOptionsFor(kind))) {
      if (next >= positions.length) break;
      if (position === positions[next]) {
        chosen.push(record);
        next += 1;
      }
      position += 1;
    }
    for (const record of chosen) {
      serial += 1;
      dataset.update(kind, String(record["id"]), buildMutation(kind, record, serial, member));
    }
    byKind[kind] = chosen.length;
    total += chosen.length;
  }
  return { total, byKind };
}

function endpoints(): HostEndpoints {
  return {
    incidentIo: { baseUrl: incidentIo.baseUrl, token: TOKEN },
    port: { baseUrl: port.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  };
}

async function answer(request: HostRequest): Promise<unknown> {
  switch (request.type) {
    case "counters":
      return readCounters();
    case "mutate":
      return mutate(request.fraction, request.kinds);
    case "set-latency":
      incidentIo.latencyMs = request.incidentIoMs;
      return endpoints();
    case "set-rate-limit": {
      drain(true);
      const latency = incidentIo.latencyMs;
      await incidentIo.close();
      incidentIo = await startIncidentIo(request.rateLimit);
      incidentIo.latencyMs = latency;
      return endpoints();
    }
  }
}

const send = (message: HostMessage): void => {
  process.send?.(message);
};

const drainer = setInterval(() => drain(false), DRAIN_EVERY_MS);
process.on("message", (raw) => {
  const { id, request } = raw as { id: number; request: HostRequest };
  answer(request).then(
    (result) => send({ id, ok: true, result }),
    (error: unknown) => send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => {
  clearInterval(drainer);
  void Promise.all([incidentIo.close(), port.close()]).finally(() => process.exit(0));
});
send({ type: "ready", endpoints: endpoints() });
