import type { IncidentIoKind } from "./kinds";

const SCALE_PRESETS = ["tiny", "demo", "large", "xl"] as const;
export type ScalePreset = (typeof SCALE_PRESETS)[number];

/** How many records of each kind a dataset holds before any mutation. */
export interface DatasetCounts {
  readonly users: number;
  readonly alert_sources: number;
  readonly schedules: number;
  readonly alerts: number;
  readonly incidents: number;
  readonly catalog_types: number;
  /** Entries of every catalog type, or one count per type (types past the end of the list have none). */
  readonly catalog_entries: number | readonly number[];
  readonly severities: number;
  readonly teams: number;
  readonly follow_ups: number;
}

/** Counts with the entries of each catalog type spelled out. */
export interface ResolvedCounts extends Omit<DatasetCounts, "catalog_entries"> {
  readonly catalog_entries: readonly number[];
}

const PRESETS: Readonly<Record<ScalePreset, DatasetCounts>> = {
  // Small enough to read in a test failure, large enough that every tricky shape occurs at least once.
  tiny: {
    users: 12,
    alert_sources: 4,
    schedules: 6,
    alerts: 30,
    incidents: 20,
    catalog_types: 2,
    catalog_entries: [8, 6],
    severities: 4,
    teams: 3,
    follow_ups: 24,
  },
  demo: {
    users: 40,
    alert_sources: 6,
    schedules: 8,
    alerts: 300,
    incidents: 120,
    catalog_types: 4,
    catalog_entries: [64, 58, 71, 47],
    severities: 4,
    teams: 8,
    follow_ups: 200,
  },
  large: {
    users: 5_000,
    alert_sources: 60,
    schedules: 500,
    alerts: 200_000,
    incidents: 20_000,
    catalog_types: 50,
    catalog_entries: 200,
    severities: 4,
    teams: 200,
    follow_ups: 20_000,
  },
  // An organisation with years of history: ten times large's incidents and alerts. People, services and catalogs grow
  // far slower than an organisation's history, so the kinds read in full every run stay realistic.
  xl: {
    users: 10_000,
    alert_sources: 120,
    schedules: 1_000,
    alerts: 1_000_000,
    incidents: 100_000,
    catalog_types: 60,
    catalog_entries: 500,
    severities: 4,
    teams: 400,
    follow_ups: 100_000,
  },
};

/** The counts of a named preset. */
export function presetCounts(preset: ScalePreset): DatasetCounts {
  return PRESETS[preset];
}

function entriesPerType(counts: DatasetCounts): number[] {
  const { catalog_entries: entries, catalog_types: types } = counts;
  return Array.from({ length: types }, (_, type) => (typeof entries === "number" ? entries : (entries[type] ?? 0)));
}

/**
 * Multiplies every count by `factor` (rounded, and never below 1 where it was at least 1), except
 * severities: an organisation has a handful of those whatever its size. New catalog types repeat the
 * entry counts of the existing ones in turn.
 */
export function scaleCounts(base: ScalePreset | DatasetCounts, factor: number): DatasetCounts {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`scale factor must be a positive number, got ${factor}`);
  const counts = typeof base === "string" ? presetCounts(base) : base;
  const scale = (count: number): number => (count === 0 ? 0 : Math.max(1, Math.round(count * factor)));
  const perType = entriesPerType(counts);
  const types = scale(counts.catalog_types);
  return {
    users: scale(counts.users),
    alert_sources: scale(counts.alert_sources),
    schedules: scale(counts.schedules),
    alerts: scale(counts.alerts),
    incidents: scale(counts.incidents),
    catalog_types: types,
    catalog_entries: Array.from({ length: types }, (_, type) => scale(perType[type % perType.length] ?? 0)),
    severities: counts.severities,
    teams: scale(counts.teams),
    follow_ups: scale(counts.follow_ups),
  };
}

/** Problems that make `counts` unusable (negative counts, references to a kind with no records); empty when fine. */
export function listCountProblems(counts: DatasetCounts): string[] {
  const problems: string[] = [];
  for (const [kind, value] of Object.entries(counts) as [IncidentIoKind, number | readonly number[]][]) {
    for (const count of typeof value === "number" ? [value] : value) {
      if (!Number.isSafeInteger(count) || count < 0) problems.push(`${kind}: must be a non-negative integer, got ${count}`);
    }
  }
  const needs = (kind: IncidentIoKind, present: boolean, target: IncidentIoKind): void => {
    if (present && counts[target] === 0) problems.push(`${kind}: records reference ${target}, which has none`);
  };
  needs("alerts", counts.alerts > 0, "alert_sources");
  needs("incidents", counts.incidents > 0, "users");
  needs("schedules", counts.schedules > 0, "users");
  needs("follow_ups", counts.follow_ups > 0, "incidents");
  needs("follow_ups", counts.follow_ups > 0, "users");
  return problems;
}

/** Counts of a preset or custom counts, checked and with per-type entry counts; throws RangeError listing every problem. */
export function resolveCounts(scale: ScalePreset | DatasetCounts): ResolvedCounts {
  const counts = typeof scale === "string" ? presetCounts(scale) : scale;
  const problems = listCountProblems(counts);
  if (problems.length > 0) throw new RangeError(`invalid dataset counts:\n${problems.join("\n")}`);
  return { ...counts, catalog_entries: entriesPerType(counts) };
}
