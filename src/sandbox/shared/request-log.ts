/** One request a sandbox served, as tests and benchmarks read it back. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v2/incidents`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body for requests that have one. */
  readonly body?: unknown;
  /** Status answered; 0 when the connection was reset instead. */
  status: number;
  readonly at: number;
}

/** Splits a URL's query into single values, or arrays for repeated keys. */
export function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}
