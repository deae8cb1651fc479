import { describe, expect, it } from "vitest";
import type { ResourceMapping } from "../../../src/model/mapping";
import { canReadInWindows, createdAtOf, dayOf, decideSplit, isInWindow, isKnownLong, planFirstWindows, WINDOW_PAGES, windowParams, type CreatedAtWindow } from "../../../src/extract/windows";

const day = (iso: string): number => dayOf(Date.parse(`${iso}T00:00:00Z`));
const at = (iso: string) => ({ id: iso, created_at: iso });

function resource(kind: string, queryParams: Record<string, string> = {}, pathParameters = 0): ResourceMapping {
  return { kind, selector: { queryParams, pathParameters: Array.from({ length: pathParameters }, () => ({})) } } as unknown as ResourceMapping;
}

describe("canReadInWindows", () => {
  it.each([
    { name: "alerts", resource: resource("/v2/alerts"), expected: true },
    { name: "incidents with their own mode filter", resource: resource("/v2/incidents", { "mode[one_of]": "standard" }), expected: true },
    { name: "incidents whose query sets created_at", resource: resource("/v2/incidents?created_at[gte]=2024-01-01"), expected: false },
    { name: "alerts whose query_params set a created_at range", resource: resource("/v2/alerts", { "created_at[date_range]": "2024-01-01~2024-02-01" }), expected: false },
    { name: "a kind without created_at filters", resource: resource("/v2/users"), expected: false },
    { name: "a kind fanned out over path parameters", resource: resource("/v2/alerts", {}, 1), expected: false },
  ])("$name: $expected", ({ resource: r, expected }) => {
    expect(canReadInWindows(r)).toBe(expected);
  });
});

describe("isKnownLong", () => {
  it.each([
    { name: "a kind never read completely", last: undefined, pageSize: 50, expected: false },
    { name: "a last read of WINDOW_PAGES pages", last: { pages: WINDOW_PAGES, records: WINDOW_PAGES * 50 }, pageSize: 50, expected: false },
    { name: "a last read of one page more", last: { pages: WINDOW_PAGES + 1, records: WINDOW_PAGES * 50 + 1 }, pageSize: 50, expected: true },
    { name: "a last read few pages long, with a page size cut since", last: { pages: 2, records: 500 }, pageSize: 5, expected: true },
  ])("$name: $expected", ({ last, pageSize, expected }) => {
    expect(isKnownLong(last, pageSize)).toBe(expected);
  });
});

describe("planFirstWindows", () => {
  it("covers every day once: open below, 16 parts up to today, open above from tomorrow", () => {
    const today = day("2026-12-07");
    const windows = planFirstWindows(today);
    expect(windows).toHaveLength(18);
    expect(windows[0]).toEqual({ to: day("2020-01-01") });
    expect(windows.at(-1)).toEqual({ from: today + 1 });
    for (let i = 1; i < windows.length; i += 1) expect(windows[i]?.from).toBe(windows[i - 1]?.to);
    const lengths = windows.slice(1, -1).map((w) => (w.to as number) - (w.from as number));
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });

  it("still plans a day when the clock is before the earliest day", () => {
    const windows = planFirstWindows(day("2019-06-01"));
    expect(windows).toEqual([{ to: day("2020-01-01") }, { from: day("2020-01-01"), to: day("2020-01-02") }, { from: day("2020-01-02") }]);
  });
});

describe("windowParams", () => {
  it.each<{ name: string; window: CreatedAtWindow; expected: Record<string, string> }>([
    { name: "a closed window", window: { from: day("2024-03-01"), to: day("2024-03-05") }, expected: { "created_at[gte]": "2024-03-01", "created_at[lte]": "2024-03-05" } },
    { name: "open below", window: { to: day("2020-01-01") }, expected: { "created_at[lte]": "2020-01-01" } },
    { name: "open above", window: { from: day("2026-12-08") }, expected: { "created_at[gte]": "2026-12-08" } },
  ])("$name", ({ window, expected }) => {
    expect(windowParams(window)).toEqual(expected);
  });
});

describe("isInWindow", () => {
  const march = { from: day("2024-03-01"), to: day("2024-03-02") };
  const next = { from: day("2024-03-02"), to: day("2024-03-03") };
  it.each([
    { name: "midnight opening the window", created: "2024-03-01T00:00:00Z", inMarch: true, inNext: false },
    { name: "the window's last millisecond", created: "2024-03-01T23:59:59.999Z", inMarch: true, inNext: false },
    { name: "the window's last microsecond", created: "2024-03-01T23:59:59.999999Z", inMarch: true, inNext: false },
    { name: "midnight closing the window (which lte still lists)", created: "2024-03-02T00:00:00Z", inMarch: false, inNext: true },
    { name: "midnight closing it with fractional digits", created: "2024-03-02T00:00:00.000000Z", inMarch: false, inNext: true },
    { name: "a time with an offset, read in UTC", created: "2024-03-02T01:00:00+02:00", inMarch: true, inNext: false },
  ])("$name belongs to exactly one of two adjacent windows", ({ created, inMarch, inNext }) => {
    expect([isInWindow(march, at(created)), isInWindow(next, at(created))]).toEqual([inMarch, inNext]);
  });

  it.each([
    { name: "without created_at", item: { id: "a" } },
    { name: "with an unreadable created_at", item: { id: "a", created_at: "yesterday" } },
    { name: "that is not an object", item: "a" },
  ])("keeps an item $name in every window", ({ item }) => {
    expect([isInWindow(march, item), isInWindow({ to: day("2020-01-01") }, item)]).toEqual([true, true]);
  });

  it("keeps everything in an open window on its open side", () => {
    expect(isInWindow({ to: day("2020-01-01") }, at("1999-01-01T00:00:00Z"))).toBe(true);
    expect(isInWindow({ from: day("2020-01-01") }, at("2099-01-01T00:00:00Z"))).toBe(true);
  });
});

describe("createdAtOf", () => {
  it("reads created_at in ms", () => {
    expect(createdAtOf(at("2024-03-01T00:00:01.5Z"))).toBe(Date.parse("2024-03-01T00:00:01.500Z"));
  });
});

describe("decideSplit", () => {
  const tenDays: CreatedAtWindow = { from: day("2024-03-01"), to: day("2024-03-11") };
  const hours = (...h: number[]) => h.map((n) => Date.parse("2024-03-01T00:00:00Z") + n * 3_600_000);
  it.each<{ name: string; window: CreatedAtWindow; createdAts: (number | undefined)[]; expected: CreatedAtWindow[] | undefined }>([
    { name: "a page spanning the whole window reads it to its end", window: tenDays, createdAts: hours(0, 239), expected: undefined },
    { name: "a page spanning a twentieth of it (20 pages) reads it to its end", window: tenDays, createdAts: hours(0, 12), expected: undefined },
    {
      name: "a page spanning 6 hours (40 pages) cuts it in two",
      window: tenDays,
      createdAts: hours(0, 3, 6),
      expected: [
        { from: day("2024-03-01"), to: day("2024-03-06") },
        { from: day("2024-03-06"), to: day("2024-03-11") },
      ],
    },
    { name: "a page spanning an hour (240 pages) cuts it into days", window: tenDays, createdAts: hours(0, 1), expected: Array.from({ length: 10 }, (_, i) => ({ from: day("2024-03-01") + i, to: day("2024-03-01") + i + 1 })) },
    { name: "a page created at one instant cuts it into days", window: { from: day("2024-03-01"), to: day("2024-03-04") }, createdAts: hours(5, 5, 5), expected: [0, 1, 2].map((i) => ({ from: day("2024-03-01") + i, to: day("2024-03-01") + i + 1 })) },
    { name: "a page without readable created_at cuts it into days", window: { from: day("2024-03-01"), to: day("2024-03-03") }, createdAts: [undefined, undefined], expected: [0, 1].map((i) => ({ from: day("2024-03-01") + i, to: day("2024-03-01") + i + 1 })) },
    { name: "a day is never cut, however full", window: { from: day("2024-03-01"), to: day("2024-03-02") }, createdAts: hours(1, 1), expected: undefined },
    { name: "a window open below is never cut", window: { to: day("2020-01-01") }, createdAts: hours(1, 1), expected: undefined },
    { name: "a window open above is never cut", window: { from: day("2026-12-08") }, createdAts: hours(1, 1), expected: undefined },
  ])("$name", ({ window, createdAts, expected }) => {
    expect(decideSplit(window, createdAts, 20)).toEqual(expected);
  });

  it("cuts into parts that cover the window exactly, in order", () => {
    const window = { from: day("2024-01-01"), to: day("2024-04-10") };
    const parts = decideSplit(window, hours(0, 2), 20) ?? [];
    expect(parts[0]?.from).toBe(window.from);
    expect(parts.at(-1)?.to).toBe(window.to);
    for (let i = 1; i < parts.length; i += 1) expect(parts[i]?.from).toBe(parts[i - 1]?.to);
  });
});
