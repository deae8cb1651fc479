// The fault-injection suite's plan: a pure function from a seed to the faults, source mutations and
// SIGKILLs of a few runs of the product. Replaying a seed replays the plan (timing may still differ).
import type { IncidentIoKind } from "../../src/sandbox/incidentio/kinds";
import type { Fault, FaultRule } from "../../src/sandbox/shared/faults";

const INCIDENTIO_FAULT_TYPES = [
  "429-seconds",
  "429-http-date",
  "5xx",
  "reset",
  "slow",
  "truncated-json",
  "wrong-shape",
  "repeated-cursor",
  "cursor-cycle",
  "endless-cursor",
] as const;
type IncidentIoFaultType = (typeof INCIDENTIO_FAULT_TYPES)[number];
/** The faults in what a list's pages say comes next (the sandbox's page faults): each fails the kind it is served to. */
export type PagingFaultType = Extract<IncidentIoFaultType, "repeated-cursor" | "cursor-cycle" | "endless-cursor">;
const PAGING_FAULT_TYPES: readonly PagingFaultType[] = ["repeated-cursor", "cursor-cycle", "endless-cursor"];

const PORT_FAULT_TYPES = ["429", "5xx", "reset", "slow", "413", "422", "207", "expired-token"] as const;
type PortFaultType = (typeof PORT_FAULT_TYPES)[number];

/**
 * Every kind of trouble a seed deals, as the totals name them. `unmappable-record` is a mutation, not a
 * fault: a record the product reads but jq cannot parse, whose entity must stay in Port as last pushed.
 */
export type FaultLabel = `incidentio ${IncidentIoFaultType}` | `port ${PortFaultType}` | "sigkill" | "unmappable-record";

export const FAULT_LABELS: readonly FaultLabel[] = [
  ...INCIDENTIO_FAULT_TYPES.map((type) => `incidentio ${type}` as const),
  ...PORT_FAULT_TYPES.map((type) => `port ${type}` as const),
  "sigkill",
  "unmappable-record",
];

/** The product's request path for each kind's list endpoint (the shipped mapping's). */
export const INCIDENTIO_ROUTES: Readonly<Record<IncidentIoKind, string>> = {
  users: "GET /v2/users",
  alert_sources: "GET /v2/alert_sources",
  schedules: "GET /v2/schedules",
  alerts: "GET /v2/alerts",
  incidents: "GET /v2/incidents",
  catalog_types: "GET /v3/catalog_types",
  catalog_entries: "GET /v3/catalog_entries",
  severities: "GET /v1/severities",
  teams: "GET /v3/teams",
  follow_ups: "GET /v3/follow_ups",
};
const KINDS = Object.keys(INCIDENTIO_ROUTES) as IncidentIoKind[];

/**
 * The kinds each paging fault can be served to with the suite's dataset and the shipped mapping's page
 * sizes: a repeated cursor needs a second page and a cycle a third, which only alerts (50 a page) have;
 * endless cursors need a paginated list (alert sources, catalog types and severities are not).
 */
export const PAGING_FAULT_KINDS: Readonly<Record<PagingFaultType, readonly IncidentIoKind[]>> = {
  "repeated-cursor": ["alerts"],
  "cursor-cycle": ["alerts"],
  "endless-cursor": ["users", "schedules", "alerts", "incidents", "catalog_entries", "teams", "follow_ups"],
};

const PORT_UPSERT = "POST /v1/blueprints/*/entities/bulk";
const PORT_DELETE = "POST /v1/blueprints/*/bulk/entities/delete";
const PORT_TOKEN = "POST /v1/auth/access_token";
const PORT_BLUEPRINTS = "GET /v1/blueprints";
const PORT_EXAMPLES = "POST /v1/integration/*/kinds/*/examples";

/**
 * Attempts per request the suite configures (ETL_MAX_ATTEMPTS): a route fault served this many times in
 * a row exhausts the retries, so the kind (or the load) fails; fewer, and the retries absorb it.
 */
export const MAX_ATTEMPTS = 3;
/** Per-request timeout the suite configures (OCEAN__INTEGRATION__CONFIG__TIMEOUT): slower answers time out. */
export const REQUEST_TIMEOUT_MS = 2000;
/** Port's slow answers stay under the request timeout, so no write lands after its run has ended. */
export const PORT_MAX_DELAY_MS = 1500;

/** Which record a mutation or a per-entity fault is about: the record at `pick` (0..1) of the kind's current list. */
export interface RecordPick {
  readonly kind: IncidentIoKind;
  readonly pick: number;
}

/**
 * `unmappable` nests a field of the record deeper than jq parses, until an update of the record or the
 * final clean run repairs it.
 */
export type Mutation = RecordPick & { readonly op: "update" | "remove" | "add" | "unmappable" };

export type FaultEvent =
  | { readonly target: "incidentio"; readonly type: Exclude<IncidentIoFaultType, PagingFaultType>; readonly rule: FaultRule }
  /** The kind's list pages wrongly (the sandbox's setPageFault) for the whole run. */
  | { readonly target: "incidentio"; readonly type: PagingFaultType; readonly kind: IncidentIoKind }
  | { readonly target: "port"; readonly type: Exclude<PortFaultType, "207" | "expired-token">; readonly rule: FaultRule }
  /** Port answers 207 with an `errors[]` item for one entity (`failEntity`). */
  | { readonly target: "port"; readonly type: "207"; readonly entity: RecordPick; readonly status: number; readonly times: number }
  /** Every token Port issued so far expires once the run has made this many Port requests. */
  | { readonly target: "port"; readonly type: "expired-token"; readonly afterPortRequests: number };

/** When the product is SIGKILLed: after this many requests to either sandbox, or this long after it started. */
export type KillTrigger = { readonly afterRequests: number } | { readonly afterMs: number };

export interface RunPlan {
  /** Applied to the Incident.io dataset before the run. */
  readonly mutations: readonly Mutation[];
  readonly faults: readonly FaultEvent[];
  readonly kill?: KillTrigger;
}

export interface FaultSchedule {
  readonly seed: number;
  /** ETL_FULL_REFRESH_EVERY_RUNS of the faulty runs, so seeds mix full and incremental extracts differently. */
  readonly fullRefreshEveryRuns: number;
  /** The faulty runs, in order. */
  readonly runs: readonly RunPlan[];
  /** Applied before the final clean run. */
  readonly finalMutations: readonly Mutation[];
}

/**
 * The kinds a mutation may touch per op: removals avoid kinds other records fan out from or that have
 * only a handful; an unmappable record avoids severities, which incidents embed whole (every incident
 * of that severity would become unmappable too, without its update time moving).
 */
export const MUTABLE_KINDS: Readonly<Record<Mutation["op"], readonly IncidentIoKind[]>> = {
  update: KINDS,
  remove: ["users", "schedules", "alerts", "incidents", "catalog_entries", "follow_ups"],
  add: ["users", "alerts", "incidents", "catalog_entries", "follow_ups"],
  unmappable: KINDS.filter((kind) => kind !== "severities"),
};

const FAULTY_RUNS = { min: 2, max: 3 } as const;
const FULL_REFRESH_EVERY_RUNS = [2, 3, 24] as const;
const MUTATIONS_PER_RUN = { min: 1, max: 4 } as const;
const EXTRA_FAULTS_PER_RUN = { min: 0, max: 2 } as const;
const EXTRA_KILL_CHANCE = 0.15;
/** How often a run that removes a record also fails the read of that record's kind: the case deletions must wait for. */
const FAILED_READ_OF_REMOVED_CHANCE = 0.5;
const FAILING_TYPES: readonly IncidentIoFaultType[] = [
  "429-seconds",
  "429-http-date",
  "5xx",
  "reset",
  "truncated-json",
  "wrong-shape",
  "repeated-cursor",
  "cursor-cycle",
  "endless-cursor",
];
const KILL_AFTER_REQUESTS = { min: 1, max: 60 } as const;
const KILL_AFTER_MS = { min: 200, max: 5000 } as const;

/** mulberry32: a small, fast, well-spread stream of numbers in [0, 1) from a 32-bit seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

interface Draw {
  readonly unit: () => number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

function createDraw(seed: number): Draw {
  const unit = createRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(unit() * (max - min + 1));
  return { unit, int, pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T };
}

function isPagingFault(type: IncidentIoFaultType): type is PagingFaultType {
  return (PAGING_FAULT_TYPES as readonly string[]).includes(type);
}

/** A fault on one kind's list endpoint; `failing` makes it outlast the retries, on the kind's first request. */
function planIncidentIoFault(draw: Draw, type: IncidentIoFaultType, kind?: IncidentIoKind, failing = false): FaultEvent {
  if (isPagingFault(type)) return { target: "incidentio", type, kind: kind ?? draw.pick(PAGING_FAULT_KINDS[type]) };
  return planRouteFault(draw, type, kind ?? draw.pick(KINDS), failing);
}

function planRouteFault(draw: Draw, type: Exclude<IncidentIoFaultType, PagingFaultType>, kind: IncidentIoKind, failing: boolean): FaultEvent {
  // Alerts come 50 a page: a skip lands the fault on a later page of the stream.
  const skip = failing ? 0 : draw.int(0, kind === "alerts" ? 2 : 1);
  const route = INCIDENTIO_ROUTES[kind];
  const repeated = (fault: Fault): FaultRule => ({ route, fault, skip, times: failing ? MAX_ATTEMPTS : draw.int(1, MAX_ATTEMPTS) });
  const once = (fault: Fault): FaultRule => ({ route, fault, skip, times: 1 });
  switch (type) {
    case "429-seconds":
      return { target: "incidentio", type, rule: repeated({ type: "status", status: 429, retryAfter: { seconds: 1, form: "seconds" } }) };
    case "429-http-date":
      return { target: "incidentio", type, rule: repeated({ type: "status", status: 429, retryAfter: { seconds: draw.int(1, 2), form: "http-date" } }) };
    case "5xx":
      return { target: "incidentio", type, rule: repeated({ type: "status", status: draw.pick([500, 502, 503, 504]) }) };
    case "reset":
      return { target: "incidentio", type, rule: repeated({ type: "reset" }) };
    case "slow":
      return { target: "incidentio", type, rule: { route, skip, times: draw.int(1, 2), fault: { type: "delay", ms: draw.int(300, REQUEST_TIMEOUT_MS + 1000) } } };
    case "truncated-json":
      return { target: "incidentio", type, rule: once({ type: "malformed" }) };
    case "wrong-shape":
      // A 200 whose body is JSON but not a page: a proxy's error document, or a bare string.
      return { target: "incidentio", type, rule: once({ type: "status", status: 200, body: draw.pick<unknown>([{ error: "upstream unavailable" }, "<html>Bad gateway</html>"]) }) };
  }
}

function planPortFault(draw: Draw, type: PortFaultType): FaultEvent {
  const skip = draw.int(0, 3);
  switch (type) {
    case "429":
      return {
        target: "port",
        type,
        rule: { route: draw.pick([PORT_UPSERT, PORT_DELETE, PORT_TOKEN]), skip, times: draw.int(1, 2), fault: { type: "status", status: 429, retryAfter: { seconds: 1, form: "seconds" } } },
      };
    case "5xx":
      return {
        target: "port",
        type,
        rule: {
          route: draw.pick([PORT_UPSERT, PORT_UPSERT, PORT_DELETE, PORT_TOKEN, PORT_BLUEPRINTS, PORT_EXAMPLES]),
          skip,
          times: draw.int(1, MAX_ATTEMPTS),
          fault: { type: "status", status: draw.pick([500, 502, 503]) },
        },
      };
    case "reset":
      return { target: "port", type, rule: { route: draw.pick([PORT_UPSERT, PORT_UPSERT, PORT_DELETE, PORT_TOKEN]), skip, times: draw.int(1, MAX_ATTEMPTS), fault: { type: "reset" } } };
    case "slow":
      return { target: "port", type, rule: { route: draw.pick([PORT_UPSERT, PORT_DELETE]), skip, times: draw.int(1, 2), fault: { type: "delay", ms: draw.int(100, PORT_MAX_DELAY_MS) } } };
    case "413":
      return { target: "port", type, rule: { route: PORT_UPSERT, skip: draw.int(0, 4), times: draw.int(1, 2), fault: { type: "status", status: 413 } } };
    case "422":
      return { target: "port", type, rule: { route: draw.pick([PORT_UPSERT, PORT_UPSERT, PORT_DELETE]), skip: draw.int(0, 4), times: 1, fault: { type: "status", status: 422 } } };
    case "207":
      return { target: "port", type, entity: { kind: draw.pick(KINDS), pick: draw.unit() }, status: draw.pick([422, 404]), times: draw.int(1, 2) };
    case "expired-token":
      return { target: "port", type, afterPortRequests: draw.int(1, 30) };
  }
}

/** One mutation; the final clean run's never makes a record unmappable, so that run can end exact. */
function planMutation(draw: Draw, isFinal: boolean): Mutation {
  const roll = draw.unit();
  const op = roll < 0.45 ? "update" : roll < 0.7 ? "remove" : roll < 0.9 || isFinal ? "add" : "unmappable";
  return { op, kind: draw.pick(MUTABLE_KINDS[op]), pick: draw.unit() };
}

function planMutations(draw: Draw, isFinal = false): Mutation[] {
  return Array.from({ length: draw.int(MUTATIONS_PER_RUN.min, MUTATIONS_PER_RUN.max) }, () => planMutation(draw, isFinal));
}

function planKill(draw: Draw): KillTrigger {
  return draw.unit() < 0.5
    ? { afterRequests: draw.int(KILL_AFTER_REQUESTS.min, KILL_AFTER_REQUESTS.max) }
    : { afterMs: draw.int(KILL_AFTER_MS.min, KILL_AFTER_MS.max) };
}

function shuffle<T>(draw: Draw, items: readonly T[]): T[] {
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = draw.int(0, index);
    [shuffled[index], shuffled[other]] = [shuffled[other] as T, shuffled[index] as T];
  }
  return shuffled;
}

function planFault(draw: Draw, label: Exclude<FaultLabel, "sigkill" | "unmappable-record">): FaultEvent {
  const [target, type] = label.split(" ") as [string, string];
  return target === "incidentio" ? planIncidentIoFault(draw, type as IncidentIoFaultType) : planPortFault(draw, type as PortFaultType);
}

/**
 * The plan for `seed`: two or three faulty runs, then mutations before the final clean run. Every
 * label of FAULT_LABELS is dealt to some run of every seed (a shuffled deck, dealt in turn), and each
 * run draws up to two more faults and, now and then, a SIGKILL of its own. Mutations (updates,
 * removals, additions and records made unmappable, across kinds) come before every run but the
 * first, so an unmappable record dealt to the first run goes to the second; half the runs that
 * remove a record also fail the read of its kind. The seed also picks how
 * often incidents and follow-ups are read in full rather than incrementally. Pure.
 */
export function planFaultSchedule(seed: number): FaultSchedule {
  const draw = createDraw(seed);
  const fullRefreshEveryRuns = draw.pick(FULL_REFRESH_EVERY_RUNS);
  const runCount = draw.int(FAULTY_RUNS.min, FAULTY_RUNS.max);
  const dealt: FaultLabel[][] = Array.from({ length: runCount }, () => []);
  shuffle(draw, FAULT_LABELS).forEach((label, index) => dealt[index % runCount]?.push(label));
  // The first run has no mutations: its unmappable record goes to the second.
  const first = dealt[0] ?? [];
  if (first.includes("unmappable-record")) {
    first.splice(first.indexOf("unmappable-record"), 1);
    dealt[1]?.push("unmappable-record");
  }
  const extras = FAULT_LABELS.filter((label): label is Exclude<FaultLabel, "sigkill" | "unmappable-record"> => label !== "sigkill" && label !== "unmappable-record");
  const runs = dealt.map((labels, index): RunPlan => {
    const dealtMutations = labels.includes("unmappable-record") ? [{ op: "unmappable" as const, kind: draw.pick(MUTABLE_KINDS.unmappable), pick: draw.unit() }] : [];
    const mutations = index === 0 ? [] : [...planMutations(draw), ...dealtMutations];
    const picked = [...labels, ...Array.from({ length: draw.int(EXTRA_FAULTS_PER_RUN.min, EXTRA_FAULTS_PER_RUN.max) }, () => draw.pick(extras))];
    const faults = picked.flatMap((label) => (label === "sigkill" || label === "unmappable-record" ? [] : [planFault(draw, label)]));
    const removal = mutations.find((mutation) => mutation.op === "remove");
    if (removal && draw.unit() < FAILED_READ_OF_REMOVED_CHANCE) {
      const types = FAILING_TYPES.filter((type) => !isPagingFault(type) || PAGING_FAULT_KINDS[type].includes(removal.kind));
      faults.push(planIncidentIoFault(draw, draw.pick(types), removal.kind, true));
    }
    const killed = labels.includes("sigkill") || draw.unit() < EXTRA_KILL_CHANCE;
    return { mutations, faults, ...(killed ? { kill: planKill(draw) } : {}) };
  });
  return { seed, fullRefreshEveryRuns, runs, finalMutations: planMutations(draw, true) };
}

/** The labels a run plan deals: one per fault event, one for its SIGKILL and one per record it makes unmappable. */
export function listRunLabels(run: RunPlan): FaultLabel[] {
  return [
    ...run.faults.map((event): FaultLabel => `${event.target} ${event.type}` as FaultLabel),
    ...(run.kill ? ["sigkill" as const] : []),
    ...run.mutations.filter((mutation) => mutation.op === "unmappable").map(() => "unmappable-record" as const),
  ];
}
