import type { PaginationSettings } from "../model/pagination";
import type { Limiter } from "./concurrency";
import { buildPageTarget, type EndpointTemplate } from "./endpoints";
import type { ItemReader } from "./items";
import { describePagingFailure, describePosition, firstPosition, nextPosition, pageParams, type PagePosition } from "./paginate";

/** A failure while reading one page, naming the page (path and cursor) it happened on. */
export class PageError extends Error {
  readonly endpoint: string;
  readonly cursor: string | undefined;

  constructor(message: string, where: { endpoint: string; cursor: string | undefined }, options?: ErrorOptions) {
    super(message, options);
    this.name = "PageError";
    this.endpoint = where.endpoint;
    this.cursor = where.cursor;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a page stream reads: one endpoint with its parameters and paging scheme. */
export interface StreamSpec {
  readonly baseUrl: string;
  readonly endpoint: EndpointTemplate;
  readonly queryParams: Readonly<Record<string, string>>;
  /** Values of `{name}` placeholders. */
  readonly values: Readonly<Record<string, string>>;
  readonly pagination: PaginationSettings;
  readonly readItems: ItemReader;
  /** The most pages the stream may read before its paging counts as endless (see decidePageBound). */
  readonly maxPages: number;
}

/** Which page a page is: its request's path and cursor (undefined for the first page). */
export interface PageAt {
  readonly path: string;
  readonly cursor: string | undefined;
}

export interface StreamHooks {
  /** GETs and parses one page (retries are the HTTP client's business). */
  fetch(request: { url: string; path: string; cursor: string | undefined }): Promise<unknown>;
  /** Bounds the requests in flight across every stream of the run. */
  readonly limiter: Limiter;
  /** Handles one page; the next page is already being fetched meanwhile. */
  onPage(page: unknown, items: unknown[], at: PageAt): Promise<void>;
  /** A reason to stop before the next page (interrupted, or a sibling stream failed), or undefined to go on. */
  stopReason(): Error | undefined;
  /**
   * Asked of each page (`index` 0 for the first) of a list that goes on, before it is stored: false
   * drops the page and ends the stream there, for the caller to read the rest another way.
   */
  keepPaging?(index: number, items: readonly unknown[]): boolean;
}

/**
 * Reads every page of `spec` in order, calling `onPage` for each. The next page is requested before
 * `onPage` runs, so storing a page overlaps the wait for the next one. Stops when the paginator
 * says so; throws `stopReason()` when told to stop (after the page in hand), and PageError for a
 * page that cannot be read or stored, or whose paging fails (a repeated cursor, a cycle, more than
 * `spec.maxPages` pages). Resolves true when the list was read to its end, false when
 * `hooks.keepPaging` ended it. Never leaves a request running when it returns or throws.
 */
export async function readPageStream(spec: StreamSpec, hooks: StreamHooks): Promise<boolean> {
  const seen = new Set<string>();
  const fetchAt = (position: PagePosition) => {
    const target = buildPageTarget(spec.baseUrl, spec.endpoint, spec.queryParams, spec.values, pageParams(spec.pagination, position));
    const cursor = describePosition(position);
    const request = hooks.limiter.run(() => hooks.fetch({ url: target.url, path: target.path, cursor }));
    // Marked handled at once: it is awaited later, or on the way out when something else failed first.
    request.catch(() => undefined);
    return { request, position, path: target.path, cursor };
  };
  // A page that cannot be stored (a record too deep to serialize, the disk full) fails naming that page.
  const store = async (page: unknown, items: unknown[], at: PageAt): Promise<void> => {
    try {
      await hooks.onPage(page, items, { path: at.path, cursor: at.cursor });
    } catch (error) {
      throw new PageError(error instanceof Error ? error.message : String(error), { endpoint: at.path, cursor: at.cursor }, { cause: error });
    }
  };
  const early = hooks.stopReason();
  if (early) throw early;
  let current = fetchAt(firstPosition(spec.pagination));
  let inFlight: ReturnType<typeof fetchAt> | undefined = current;
  try {
    // nextPosition fails the stream at maxPages; the loop's own bound only backs that up.
    for (let count = 0; count <= spec.maxPages; count += 1) {
      const page = await current.request;
      inFlight = undefined;
      let items: unknown[];
      try {
        items = await spec.readItems(page);
      } catch (error) {
        throw new PageError((error as Error).message, { endpoint: current.path, cursor: current.cursor }, { cause: error });
      }
      const step = nextPosition(spec.pagination, current.position, page, items.length, { seen, maxPages: spec.maxPages });
      if (step.type === "failed") {
        throw new PageError(describePagingFailure(step.failure), { endpoint: current.path, cursor: current.cursor });
      }
      if (step.type === "end") {
        await store(page, items, current);
        return true;
      }
      if (hooks.keepPaging && !hooks.keepPaging(current.position.index, items)) return false;
      const next = step.position;
      if (next.cursor !== undefined) seen.add(next.cursor);
      const stop = hooks.stopReason();
      const upcoming = stop ? undefined : fetchAt(next);
      inFlight = upcoming;
      // Node writes a request on a later tick; without yielding here, storing this page (synchronous
      // SQLite work chained through microtasks) would run first and the server would sit idle meanwhile.
      if (upcoming) await yieldToEventLoop();
      await store(page, items, current);
      if (!upcoming) throw stop;
      current = upcoming;
    }
    throw new PageError(`more than ${spec.maxPages} pages: the API keeps sending a next page`, { endpoint: current.path, cursor: current.cursor });
  } finally {
    if (inFlight) await inFlight.request.catch(() => undefined);
  }
}
