import { alertFilter, createdAtBounds, createdAtFilter, DEFAULT_INCIDENT_MODES, updatedSinceMicros, type ListOptions } from "./filters";
import { generatedAlertStatus } from "./generate/alerts";
import type { GenerationContext, OpenAlerts, RenderHints, Stamp } from "./generate/context";
import { GENERATORS } from "./generate/generators";
import { incidentModeAt, latestIncidentInMode } from "./generate/incidents";
import { buildOrgConfig, type OrgConfig } from "./generate/org";
import { isUserActiveByDefault } from "./generate/users";
import { checkOf, decodeRecordId, encodeRecordId, tagOf } from "./ids";
import type { JsonObject } from "./json";
import { INCIDENTIO_KINDS, type IdKind, type IncidentIoKind } from "./kinds";
import { countVisible, cursorAfter, selectWindow, type IndexRange, type IndexSpace, type ListOrder } from "./paging";
import { hashIndex, Rng } from "./random";
import { resolveCounts, type DatasetCounts, type ResolvedCounts, type ScalePreset } from "./scale";
import { createdMicrosAt, followUpTimeline, ORG_START_MS, precisionAt, timelineOf, updatedMicrosAt, type Timeline } from "./timeline";
import { formatTimestamp, MICROS_PER_MS, parseTimestampMicros, truncateMicros, type Precision } from "./timestamps";

export interface DatasetOptions {
  /** Same seed and counts, same records (default 1). */
  readonly seed?: number;
  /** A preset or explicit counts (default `demo`). */
  readonly scale?: ScalePreset | DatasetCounts;
  /** Which alerts are open (default `never-updated`, the datasets fixtures were made against). */
  readonly openAlerts?: OpenAlerts;
}

interface PageRequest {
  readonly options?: ListOptions;
  /** ID of the last record of the previous page. */
  readonly after?: string;
  readonly pageSize: number;
  /** Also count every record the filters match (`total_record_count`). */
  readonly withTotal?: boolean;
}

interface Page {
  readonly records: JsonObject[];
  /** `pagination_meta.after`: set only when the page is full. */
  readonly after?: string;
  readonly total?: number;
}

/** One record changed by `update`, `add` or `remove`: no `before` for an added record, no `after` for a removed one. */
export interface RecordChange {
  readonly kind: IncidentIoKind;
  readonly before?: JsonObject;
  readonly after?: JsonObject;
}

/**
 * The records a sandbox serves: computed on demand from (seed, kind, index), with mutations kept as
 * small overlays, so a million-record dataset costs memory only for what was changed.
 */
export interface IncidentIoDataset {
  readonly seed: number;
  /** Counts before any mutation. */
  readonly counts: ResolvedCounts;
  /** How many records the list endpoint of `kind` returns over all pages with these filters (the API's defaults when omitted). */
  count(kind: IncidentIoKind, options?: ListOptions): number;
  /** The records the list endpoint of `kind` returns, in its order, one at a time. */
  records(kind: IncidentIoKind, options?: ListOptions): Generator<JsonObject>;
  /** One page as the list endpoint serves it; throws RangeError when `after` is not an ID of `kind`. */
  page(kind: IncidentIoKind, request: PageRequest): Page;
  /** The current record with this ID (deleted or unknown: undefined), ignoring list filters. */
  get(kind: IncidentIoKind, id: string): JsonObject | undefined;
  /** The index behind an ID this dataset issued for `kind` (deleted records included); undefined otherwise. */
  indexOf(kind: IncidentIoKind, id: string): number | undefined;
  /** The ID of record `index` of `kind`. */
  idAt(kind: IncidentIoKind, index: number): string;
  /** Merges `fields` into a record and, for kinds that have one, moves `updated_at` to now; returns the record. Throws RangeError for an unknown or deleted ID. */
  update(kind: IncidentIoKind, id: string, fields: JsonObject): JsonObject;
  /** Deletes a record from every list; throws RangeError for an unknown ID. */
  remove(kind: IncidentIoKind, id: string): void;
  /** Creates a record now (catalog entries go to `fields.catalog_type_id`, else the first type); returns it. */
  add(kind: IncidentIoKind, fields?: JsonObject): JsonObject;
  /** A timestamp (microseconds) from the clock `update` stamps `updated_at` with: later than every change before it. */
  stamp(): string;
  /** The organisation's incident statuses, live ones first: what an incident's `incident_status` can be. */
  readonly incidentStatuses: readonly JsonObject[];
  /** Calls `listener` after each update, add and remove (the webhooks' source); returns the function that stops it. */
  onChange(listener: (change: RecordChange) => void): () => void;
}

const ID_CHECK_SALT = 7;
const RNG_SALT = 100;
// Kinds whose records carry `updated_at`, which a mutation moves forward.
const TIMESTAMPED = new Set<IncidentIoKind>(["schedules", "alerts", "incidents", "catalog_types", "catalog_entries", "severities", "follow_ups"]);
const RECORDS_CHUNK = 500;
const MICROS_PER_SECOND = 1_000_000;

type PerKind<T> = Record<IncidentIoKind, T>;

function perKind<T>(make: (kind: IncidentIoKind) => T): PerKind<T> {
  return Object.fromEntries(INCIDENTIO_KINDS.map((kind) => [kind, make(kind)])) as PerKind<T>;
}

class Dataset implements IncidentIoDataset, GenerationContext {
  readonly seed: number;
  readonly openAlerts: OpenAlerts;
  readonly counts: ResolvedCounts;
  readonly org: OrgConfig;
  readonly #base: PerKind<number>;
  readonly #timelines: PerKind<Timeline>;
  /** entryOffsets[t] is the first generated entry of catalog type t; the last element is the total. */
  readonly #entryOffsets: number[];
  readonly #patches = perKind(() => new Map<number, JsonObject>());
  readonly #deleted = perKind(() => new Set<number>());
  /** Creation instants of records added at run time, by kind, in index order. */
  readonly #added = perKind((): number[] => []);
  readonly #addedEntryTypes: number[] = [];
  readonly #listeners = new Set<(change: RecordChange) => void>();
  #lastClockMicros = 0;

  constructor(seed: number, counts: ResolvedCounts, openAlerts: OpenAlerts) {
    this.seed = seed >>> 0;
    this.openAlerts = openAlerts;
    this.counts = counts;
    this.#entryOffsets = [0];
    for (const entries of counts.catalog_entries) this.#entryOffsets.push((this.#entryOffsets.at(-1) ?? 0) + entries);
    this.#base = perKind((kind) => (kind === "catalog_entries" ? (this.#entryOffsets.at(-1) ?? 0) : counts[kind]));
    const incidents = timelineOf("incidents", counts.incidents);
    this.#timelines = perKind((kind) => (kind === "follow_ups" ? followUpTimeline(incidents, counts.follow_ups) : timelineOf(kind, this.#base[kind])));
    this.org = buildOrgConfig((kind, index) => this.id(kind, index));
  }

  // --- GenerationContext -------------------------------------------------------------------

  total(kind: IncidentIoKind): number {
    return this.#base[kind] + this.#added[kind].length;
  }

  id(kind: IdKind, index: number): string {
    const tag = tagOf(kind);
    return encodeRecordId({ timeMs: this.#idTimeMs(kind, tag, index), tag, index, check: checkOf(hashIndex(this.seed, tag, index, ID_CHECK_SALT)) }, this.seed);
  }

  rng(kind: IdKind, index: number, salt = 0): Rng {
    return new Rng(hashIndex(this.seed, tagOf(kind), index, RNG_SALT + salt));
  }

  created(kind: IncidentIoKind, index: number): Stamp {
    const { micros, precision } = this.#createdAt(kind, index);
    return { micros, text: formatTimestamp(micros, precision) };
  }

  updated(kind: IncidentIoKind, index: number): Stamp {
    const created = this.#createdAt(kind, index);
    if (index >= this.#base[kind]) return { micros: created.micros, text: formatTimestamp(created.micros, created.precision) };
    const tag = tagOf(kind);
    const micros = updatedMicrosAt(this.#timelines[kind], this.seed, tag, index, created.micros);
    const precision = micros === created.micros ? created.precision : precisionAt(this.seed, tag, index, "updated");
    return { micros, text: formatTimestamp(micros, precision) };
  }

  patch(kind: IncidentIoKind, index: number): JsonObject | undefined {
    return this.#patches[kind].get(index);
  }

  catalogTypeOfEntry(index: number): number {
    if (index >= this.#base.catalog_entries) return this.#addedEntryTypes[index - this.#base.catalog_entries] ?? 0;
    // Binary search: the last offset not above `index` (empty types share an offset with the next).
    let low = 0;
    let high = this.counts.catalog_types - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.#entryOffsets[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  entryRange(type: number): IndexRange {
    return [this.#entryOffsets[type] ?? 0, this.#entryOffsets[type + 1] ?? 0];
  }

  incidentOfFollowUp(index: number): number {
    const patched = this.#patches.follow_ups.get(index)?.["incident_id"];
    if (typeof patched === "string") return this.indexOf("incidents", patched) ?? 0;
    const incidents = this.total("incidents");
    if (index >= this.#base.follow_ups) return incidents - 1;
    // The newest generated incident created before this follow-up, or one of the two before it.
    const at = createdMicrosAt(this.#timelines.follow_ups, this.seed, tagOf("follow_ups"), index);
    const timeline = this.#timelines.incidents;
    const base = this.#base.incidents;
    let incident = Math.min(base - 1, Math.max(0, Math.floor((at / MICROS_PER_MS - timeline.startMs) / timeline.intervalMs)));
    if (incident > 0 && createdMicrosAt(timeline, this.seed, tagOf("incidents"), incident) > at) incident -= 1;
    // A predictable share of follow-ups belongs to test and tutorial incidents, which lists hide by default.
    const hiddenMode = index % 20 === 11 ? "test" : index % 20 === 19 ? "tutorial" : undefined;
    const hidden = hiddenMode === undefined ? undefined : latestIncidentInMode(incident, hiddenMode);
    return hidden ?? Math.max(0, incident - (hashIndex(this.seed, tagOf("follow_ups"), index, 60) % 3));
  }

  // --- IncidentIoDataset ---------------------------------------------------------------------

  count(kind: IncidentIoKind, options: ListOptions = {}): number {
    return countVisible(this.#space(kind, options));
  }

  *records(kind: IncidentIoKind, options: ListOptions = {}): Generator<JsonObject> {
    const space = this.#space(kind, options);
    const order = this.#order(kind, options);
    let after: number | undefined;
    for (let round = 0; round <= this.total(kind) / RECORDS_CHUNK + 1; round += 1) {
      const indexes = selectWindow(space, order, after, RECORDS_CHUNK);
      for (const index of indexes) yield this.#render(kind, index, {});
      if (indexes.length < RECORDS_CHUNK) return;
      after = indexes.at(-1);
    }
  }

  page(kind: IncidentIoKind, request: PageRequest): Page {
    const options = request.options ?? {};
    let afterIndex: number | undefined;
    if (request.after !== undefined) {
      afterIndex = this.indexOf(kind, request.after);
      if (afterIndex === undefined) throw new RangeError(`${request.after} is not the ID of a ${kind} record`);
    }
    const space = this.#space(kind, options);
    const indexes = selectWindow(space, this.#order(kind, options), afterIndex, request.pageSize);
    const hints: RenderHints = { pageSize: request.pageSize };
    const records = indexes.map((index) => this.#render(kind, index, hints));
    const after = cursorAfter(indexes.map((index) => this.id(kind, index)), request.pageSize);
    return {
      records,
      ...(after === undefined ? {} : { after }),
      ...(request.withTotal ? { total: countVisible(space) } : {}),
    };
  }

  get(kind: IncidentIoKind, id: string): JsonObject | undefined {
    const index = this.indexOf(kind, id);
    return index === undefined || this.#deleted[kind].has(index) ? undefined : this.#render(kind, index, {});
  }

  indexOf(kind: IncidentIoKind, id: string): number | undefined {
    const parts = decodeRecordId(id, this.seed);
    if (!parts || parts.tag !== tagOf(kind) || parts.index >= this.total(kind)) return undefined;
    // Re-encoding rejects IDs with the right shape that this dataset never issued.
    return this.id(kind, parts.index) === id ? parts.index : undefined;
  }

  idAt(kind: IncidentIoKind, index: number): string {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.total(kind)) throw new RangeError(`${kind} has no record ${index}`);
    return this.id(kind, index);
  }

  stamp(): string {
    return formatTimestamp(this.#clockMicros(), 6);
  }

  get incidentStatuses(): readonly JsonObject[] {
    return this.org.statuses;
  }

  onChange(listener: (change: RecordChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  update(kind: IncidentIoKind, id: string, fields: JsonObject): JsonObject {
    const index = this.#existing(kind, id);
    if ("id" in fields) throw new RangeError("a record's id cannot change");
    // Rendered only when someone listens: a bench mutation of thousands of records pays nothing otherwise.
    const before = this.#listeners.size > 0 ? this.#render(kind, index, {}) : undefined;
    const merged: JsonObject = { ...this.#patches[kind].get(index), ...fields };
    if (TIMESTAMPED.has(kind) && !("updated_at" in fields)) {
      merged["updated_at"] = formatTimestamp(this.#clockMicros(), 6);
      if (kind === "incidents") merged["last_activity_at"] = merged["updated_at"];
    }
    this.#patches[kind].set(index, merged);
    const after = this.#render(kind, index, {});
    if (before) this.#notify({ kind, before, after });
    return after;
  }

  remove(kind: IncidentIoKind, id: string): void {
    const index = this.#existing(kind, id);
    const before = this.#listeners.size > 0 ? this.#render(kind, index, {}) : undefined;
    this.#deleted[kind].add(index);
    if (before) this.#notify({ kind, before });
  }

  add(kind: IncidentIoKind, fields: JsonObject = {}): JsonObject {
    if ("id" in fields) throw new RangeError("the sandbox assigns IDs to added records");
    if (kind === "catalog_entries") {
      const typeId = fields["catalog_type_id"];
      const type = typeof typeId === "string" ? this.indexOf("catalog_types", typeId) : 0;
      if (type === undefined || this.total("catalog_types") === 0) throw new RangeError(`no catalog type ${String(typeId ?? "")} to add an entry to`);
      this.#addedEntryTypes.push(type);
    }
    this.#added[kind].push(this.#clockMicros());
    const index = this.total(kind) - 1;
    if (Object.keys(fields).length > 0) this.#patches[kind].set(index, { ...fields });
    const after = this.#render(kind, index, {});
    this.#notify({ kind, after });
    return after;
  }

  // --- internals -------------------------------------------------------------------------------

  #notify(change: RecordChange): void {
    for (const listener of this.#listeners) listener(change);
  }

  #render(kind: IncidentIoKind, index: number, hints: RenderHints): JsonObject {
    const record = GENERATORS[kind](this, index, hints);
    const patch = this.#patches[kind].get(index);
    return patch ? { ...record, ...patch } : record;
  }

  #existing(kind: IncidentIoKind, id: string): number {
    const index = this.indexOf(kind, id);
    if (index === undefined) throw new RangeError(`no ${kind} record has ID ${id}`);
    if (this.#deleted[kind].has(index)) throw new RangeError(`${kind} record ${id} was deleted`);
    return index;
  }

  #createdAt(kind: IncidentIoKind, index: number): { micros: number; precision: Precision } {
    const added = this.#addedMicros(kind, index);
    if (added !== undefined) return { micros: added, precision: 6 };
    const tag = tagOf(kind);
    const precision = precisionAt(this.seed, tag, index, "created");
    return { micros: truncateMicros(createdMicrosAt(this.#timelines[kind], this.seed, tag, index), precision), precision };
  }

  /** The creation instant a record shows (a patched created_at, else the generated one), as list filters compare it. */
  #createdMicros(kind: IncidentIoKind, index: number): number {
    const patched = this.#patches[kind].get(index)?.["created_at"];
    return (typeof patched === "string" ? parseTimestampMicros(patched) : undefined) ?? this.#createdAt(kind, index).micros;
  }

  #addedMicros(kind: IncidentIoKind, index: number): number | undefined {
    return index >= this.#base[kind] ? this.#added[kind][index - this.#base[kind]] : undefined;
  }

  #idTimeMs(kind: IdKind, tag: number, index: number): number {
    if (!(INCIDENTIO_KINDS as readonly string[]).includes(kind)) return ORG_START_MS + index;
    const recordKind = kind as IncidentIoKind;
    const micros = this.#addedMicros(recordKind, index) ?? createdMicrosAt(this.#timelines[recordKind], this.seed, tag, index);
    return Math.floor(micros / MICROS_PER_MS);
  }

  /**
   * Wall-clock microseconds, at least a millisecond past the previous reading, so records changed or
   * added later always filter as later and added IDs (whose time part is in milliseconds) stay ordered.
   */
  #clockMicros(): number {
    this.#lastClockMicros = Math.max(Date.now() * MICROS_PER_MS, this.#lastClockMicros + MICROS_PER_MS);
    return this.#lastClockMicros;
  }

  #order(kind: IncidentIoKind, options: ListOptions): ListOrder {
    // Creation time rises with the index, so "newest first" is descending index order.
    return kind === "incidents" && options.sortBy !== "created_at_oldest_first" ? "desc" : "asc";
  }

  #updatedMicros(kind: IncidentIoKind, index: number): number {
    const patched = this.#patches[kind].get(index)?.["updated_at"];
    const parsed = typeof patched === "string" ? parseTimestampMicros(patched) : undefined;
    return parsed ?? this.updated(kind, index).micros;
  }

  #incidentMode(index: number): string {
    const patched = this.#patches.incidents.get(index)?.["mode"];
    return typeof patched === "string" ? patched : incidentModeAt(index);
  }

  #filter(kind: IncidentIoKind, options: ListOptions): ((index: number) => boolean) | undefined {
    const since = options.updatedAtGte === undefined ? undefined : updatedSinceMicros(kind, options.updatedAtGte);
    if (options.updatedAtGte !== undefined && since === undefined) throw new RangeError(`updatedAtGte ${options.updatedAtGte} is not a date or timestamp`);
    const isRecent = since === undefined ? undefined : (index: number): boolean => this.#updatedMicros(kind, index) >= since;
    switch (kind) {
      case "users": {
        if (options.includeInactive) return undefined;
        const patches = this.#patches.users;
        return (index) => {
          const patched = patches.get(index)?.["is_active"];
          return typeof patched === "boolean" ? patched : isUserActiveByDefault(index);
        };
      }
      case "incidents": {
        const modes = new Set(options.modes ?? DEFAULT_INCIDENT_MODES);
        const isCreatedWithin = createdAtFilter(options);
        return (index) =>
          modes.has(this.#incidentMode(index)) && (!isRecent || isRecent(index)) && (!isCreatedWithin || isCreatedWithin(this.#createdMicros("incidents", index)));
      }
      case "follow_ups": {
        const wanted = options.incidentMode;
        const modes = new Set(DEFAULT_INCIDENT_MODES);
        const ofIncident = options.incidentId === undefined ? undefined : (this.indexOf("incidents", options.incidentId) ?? -1);
        return (index) => {
          const incident = this.incidentOfFollowUp(index);
          if (ofIncident !== undefined && incident !== ofIncident) return false;
          const mode = this.#incidentMode(incident);
          return (wanted === undefined ? modes.has(mode) : mode === wanted) && (!isRecent || isRecent(index));
        };
      }
      case "alerts": {
        const patches = this.#patches.alerts;
        const statusAt = (index: number): string => {
          const patched = patches.get(index)?.["status"];
          return typeof patched === "string" ? patched : generatedAlertStatus(this, index);
        };
        return alertFilter(options, statusAt, (index) => this.#createdMicros("alerts", index));
      }
      default:
        return isRecent;
    }
  }

  /**
   * The indexes a creation-day filter can keep, a superset the visibility test narrows: generated
   * records' exact creation instants rise with the index and their text drops less than a second, so
   * two binary searches bound them, and a million-record list does not scan every record for each
   * page of a window. Records added at run time stay candidates; a patched created_at, which may lie
   * anywhere, leaves the whole list so.
   */
  #createdRanges(kind: IncidentIoKind, options: ListOptions): IndexRange[] {
    const all: IndexRange[] = [[0, this.total(kind)]];
    const { gte, lte } = createdAtBounds(options);
    if (gte === undefined && lte === undefined) return all;
    for (const patch of this.#patches[kind].values()) if ("created_at" in patch) return all;
    const base = this.#base[kind];
    const tag = tagOf(kind);
    const firstAtOrAfter = (micros: number): number => {
      let low = 0;
      let high = base;
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        if (createdMicrosAt(this.#timelines[kind], this.seed, tag, middle) < micros) low = middle + 1;
        else high = middle;
      }
      return low;
    };
    const start = gte === undefined ? 0 : firstAtOrAfter(gte);
    const end = lte === undefined ? base : firstAtOrAfter(lte + MICROS_PER_SECOND);
    return [
      [start, Math.max(start, end)],
      [base, this.total(kind)],
    ];
  }

  #space(kind: IncidentIoKind, options: ListOptions): IndexSpace {
    let ranges: IndexRange[] = this.#createdRanges(kind, options);
    let ofType: ((index: number) => boolean) | undefined;
    if (kind === "catalog_entries" && options.catalogTypeId !== undefined) {
      const type = this.indexOf("catalog_types", options.catalogTypeId);
      if (type === undefined) return { ranges: [] };
      const baseTotal = this.#base.catalog_entries;
      ranges = [type < this.counts.catalog_types ? this.entryRange(type) : [0, 0], [baseTotal, this.total(kind)]];
      ofType = (index) => index < baseTotal || this.#addedEntryTypes[index - baseTotal] === type;
    }
    const deleted = this.#deleted[kind];
    const filter = this.#filter(kind, options);
    if (!ofType && !filter && deleted.size === 0) return { ranges };
    return {
      ranges,
      isVisible: (index) => !deleted.has(index) && (!ofType || ofType(index)) && (!filter || filter(index)),
    };
  }
}

/** A dataset for `options` (seed 1 and the `demo` preset by default); throws RangeError for unusable counts. */
export function createIncidentIoDataset(options: DatasetOptions = {}): IncidentIoDataset {
  return new Dataset(options.seed ?? 1, resolveCounts(options.scale ?? "demo"), options.openAlerts ?? "never-updated");
}
