import { describe, expect, it } from "vitest";
import {
  createRandom,
  FAULT_LABELS,
  INCIDENTIO_ROUTES,
  listRunLabels,
  MAX_ATTEMPTS,
  MUTABLE_KINDS,
  PAGING_FAULT_KINDS,
  planFaultSchedule,
  PORT_MAX_DELAY_MS,
  type FaultEvent,
  type FaultSchedule,
} from "./schedule";

const SEEDS = Array.from({ length: 60 }, (_, index) => index + 1);

function listEvents(schedule: FaultSchedule): FaultEvent[] {
  return schedule.runs.flatMap((run) => run.faults);
}

describe("createRandom", () => {
  it.each([
    { seed: 1, first: 0.6270739405881613, second: 0.002735721180215478 },
    { seed: 0, first: 0.26642920868471265, second: undefined },
  ])("gives mulberry32's stream for seed $seed", ({ seed, first, second }) => {
    const random = createRandom(seed);
    expect(random()).toBe(first);
    if (second !== undefined) expect(random()).toBe(second);
  });

  it("stays within [0, 1)", () => {
    const random = createRandom(12345);
    const values = Array.from({ length: 10_000 }, () => random());
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe("planFaultSchedule", () => {
  it.each([1, 2, 17, 2 ** 31 + 5])("plans the same schedule every time for seed %i", (seed) => {
    expect(planFaultSchedule(seed)).toEqual(planFaultSchedule(seed));
  });

  it("plans different schedules for different seeds", () => {
    const distinct = new Set(SEEDS.map((seed) => JSON.stringify(planFaultSchedule(seed))));
    expect(distinct.size).toBe(SEEDS.length);
  });

  it.each(SEEDS)("deals every fault label, SIGKILL included, to some run of seed %i", (seed) => {
    const dealt = new Set(planFaultSchedule(seed).runs.flatMap(listRunLabels));
    expect([...FAULT_LABELS].filter((label) => !dealt.has(label))).toEqual([]);
  });

  it.each(SEEDS)("keeps seed %i within the suite's bounds", (seed) => {
    const schedule = planFaultSchedule(seed);
    expect(schedule.runs.length).toBeGreaterThanOrEqual(2);
    expect(schedule.runs.length).toBeLessThanOrEqual(3);
    expect(schedule.runs[0]?.mutations).toEqual([]);
    for (const run of schedule.runs.slice(1)) expect(run.mutations.length).toBeGreaterThanOrEqual(1);
    expect([2, 3, 24]).toContain(schedule.fullRefreshEveryRuns);
    const mutations = [...schedule.runs.flatMap((run) => run.mutations), ...schedule.finalMutations];
    expect(mutations.every((mutation) => mutation.pick >= 0 && mutation.pick < 1)).toBe(true);
    for (const run of schedule.runs) {
      if (run.kill && "afterRequests" in run.kill) expect(run.kill.afterRequests).toBeGreaterThanOrEqual(1);
      if (run.kill && "afterMs" in run.kill) expect(run.kill.afterMs).toBeLessThanOrEqual(5000);
    }
    for (const event of listEvents(schedule)) {
      if (!("rule" in event)) continue;
      // More servings than attempts would fail the request the same way: the extra ones would leak into later requests.
      expect(event.rule.times ?? 1).toBeLessThanOrEqual(MAX_ATTEMPTS);
      if (event.target === "port" && event.rule.fault.type === "delay") expect(event.rule.fault.ms).toBeLessThanOrEqual(PORT_MAX_DELAY_MS);
    }
  });

  it.each([
    {
      label: "Incident.io faults go to the kinds' list endpoints",
      matches: (event: FaultEvent) => event.target !== "incidentio" || ("kind" in event ? event.kind in INCIDENTIO_ROUTES : Object.values(INCIDENTIO_ROUTES).includes(event.rule.route)),
    },
    {
      label: "paging faults go to lists long enough to serve them",
      matches: (event: FaultEvent) => event.target !== "incidentio" || !("kind" in event) || PAGING_FAULT_KINDS[event.type].includes(event.kind),
    },
    { label: "Port route faults go to Port's routes", matches: (event: FaultEvent) => event.target !== "port" || !("rule" in event) || /^(GET|POST) \/v1\//.test(event.rule.route) },
    {
      label: "Retry-After comes in both forms",
      matches: (event: FaultEvent) =>
        event.target !== "incidentio" ||
        "kind" in event ||
        !event.type.startsWith("429") ||
        (event.rule.fault.type === "status" && event.rule.fault.retryAfter?.form === (event.type === "429-seconds" ? "seconds" : "http-date")),
    },
  ])("$label", ({ matches }) => {
    expect(SEEDS.flatMap((seed) => listEvents(planFaultSchedule(seed))).filter((event) => !matches(event))).toEqual([]);
  });

  it("mixes route faults that retries absorb with ones that exhaust them", () => {
    const times = new Set(SEEDS.flatMap((seed) => listEvents(planFaultSchedule(seed)).flatMap((event) => ("rule" in event && event.type === "5xx" ? [event.rule.times] : []))));
    expect([...times].sort()).toEqual([1, 2, MAX_ATTEMPTS]);
  });

  it("often fails, in the same run, the read of a kind it removes a record of", () => {
    const failsRead = (event: FaultEvent, route: string): boolean =>
      event.target === "incidentio" &&
      ("kind" in event
        ? INCIDENTIO_ROUTES[event.kind] === route
        : event.rule.route === route && (event.rule.skip ?? 0) === 0 && (event.type === "truncated-json" || event.type === "wrong-shape" || event.rule.times === MAX_ATTEMPTS));
    const runs = SEEDS.flatMap((seed) => planFaultSchedule(seed).runs);
    const removing = runs.filter((run) => run.mutations.some((mutation) => mutation.op === "remove"));
    const failing = removing.filter((run) => run.mutations.some((mutation) => mutation.op === "remove" && run.faults.some((event) => failsRead(event, INCIDENTIO_ROUTES[mutation.kind]))));
    expect(failing.length).toBeGreaterThan(removing.length / 3);
  });

  it("removes, updates, adds and makes unmappable records across several kinds", () => {
    const mutations = SEEDS.flatMap((seed) => planFaultSchedule(seed).runs.flatMap((run) => run.mutations));
    for (const op of ["update", "remove", "add", "unmappable"] as const) {
      expect(new Set(mutations.filter((mutation) => mutation.op === op).map((mutation) => mutation.kind)).size).toBeGreaterThanOrEqual(4);
    }
  });

  it.each(SEEDS)("makes a record unmappable in a run after the first of seed %i, of a kind no other kind embeds whole, and never before the final clean run", (seed) => {
    const schedule = planFaultSchedule(seed);
    const unmappable = schedule.runs.flatMap((run) => run.mutations.filter((mutation) => mutation.op === "unmappable"));
    expect(unmappable.length).toBeGreaterThanOrEqual(1);
    expect(unmappable.every((mutation) => MUTABLE_KINDS.unmappable.includes(mutation.kind) && mutation.kind !== "severities")).toBe(true);
    expect(schedule.finalMutations.filter((mutation) => mutation.op === "unmappable")).toEqual([]);
  });

  it("deals each paging fault both to alerts and, as endless cursors, to several other lists", () => {
    const paging = SEEDS.flatMap((seed) => listEvents(planFaultSchedule(seed))).flatMap((event) => (event.target === "incidentio" && "kind" in event ? [event] : []));
    for (const type of ["repeated-cursor", "cursor-cycle", "endless-cursor"] as const) expect(paging.some((event) => event.type === type && event.kind === "alerts")).toBe(true);
    expect(new Set(paging.filter((event) => event.type === "endless-cursor").map((event) => event.kind)).size).toBeGreaterThanOrEqual(5);
  });
});
