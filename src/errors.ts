import { redactSecrets } from "./model/secret";
import type { Origin } from "./model/stage";

export interface EtlErrorOptions extends ErrorOptions {
  /** True when trying again later may succeed (network, 429, 5xx); false for bad input or configuration. */
  readonly retryable?: boolean;
}

/**
 * The base of every error the product raises on purpose. Messages never contain secrets: any
 * credential the process holds is scrubbed from them, even when an API quoted it back.
 */
export class EtlError extends Error {
  readonly stage: Origin;
  readonly retryable: boolean;

  constructor(stage: Origin, message: string, options?: EtlErrorOptions) {
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.stage = stage;
    this.retryable = options?.retryable ?? false;
  }
}

/** Bad configuration, mapping or blueprints: every problem found, as `path: message`. Exit code 2. */
export class ConfigError extends EtlError {
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: EtlErrorOptions) {
    super("config", `invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`, options);
    this.issues = issues.map(redactSecrets);
  }
}

export interface HttpErrorInit {
  readonly stage: Origin;
  readonly method: string;
  /** Path only, e.g. `/v2/incidents`: never the query string, which may carry identifiers the user did not choose to log. */
  readonly endpoint: string;
  /** The cursor (or offset/page) of the failing page; undefined = first page. */
  readonly cursor?: string | undefined;
  /** undefined = no response (DNS, reset, timeout). */
  readonly status?: number | undefined;
  /** What went wrong beyond the status: a short excerpt of the body, or the network error's code. */
  readonly detail?: string | undefined;
  /** Set when the failure may pass on a later attempt; defaults from the status. */
  readonly retryable?: boolean;
  /** The run's signal (SIGTERM, SIGINT) stopped the request before it had an answer. */
  readonly interrupted?: boolean;
}

/** An HTTP exchange that failed after retries, or that cannot succeed. Names the method, endpoint, cursor and status. */
export class HttpError extends EtlError {
  readonly method: string;
  readonly endpoint: string;
  readonly cursor: string | undefined;
  readonly status: number | undefined;
  readonly detail: string | undefined;
  readonly interrupted: boolean;

  constructor(init: HttpErrorInit, options?: ErrorOptions) {
    const where = `${init.method} ${init.endpoint}${init.cursor ? ` (cursor ${init.cursor})` : ""}`;
    const what = `${init.status ?? "no response"}${init.detail ? `: ${init.detail}` : ""}`;
    super(init.stage, `${where}: ${what}`, {
      ...options,
      retryable:
        init.retryable ?? (init.status === undefined || init.status === 408 || init.status === 429 || init.status >= 500),
    });
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.cursor = init.cursor;
    this.status = init.status;
    this.detail = init.detail === undefined ? undefined : redactSecrets(init.detail);
    this.interrupted = init.interrupted ?? false;
  }
}

/** Port refused an entity or a write (after retries). */
export class LoadError extends EtlError {
  readonly blueprint: string;
  readonly identifier: string | undefined;
  readonly status: number | undefined;
  /** Port's `error` code and `message`, shortened. */
  readonly portMessage: string;

  constructor(
    init: { blueprint: string; identifier?: string | undefined; status?: number | undefined; portMessage: string; retryable?: boolean },
    options?: ErrorOptions,
  ) {
    super("load", `${init.blueprint}${init.identifier ? `/${init.identifier}` : ""}: ${init.status ?? "no response"} ${init.portMessage}`, {
      ...options,
      retryable: init.retryable ?? false,
    });
    this.blueprint = init.blueprint;
    this.identifier = init.identifier;
    this.status = init.status;
    this.portMessage = redactSecrets(init.portMessage);
  }
}

/** A stage finished with failures; carries its partial summary (like dlt's PipelineStepFailed). Exit code 1. */
export class StageFailedError<TSummary = unknown> extends EtlError {
  readonly summary: TSummary;

  constructor(stage: Origin, message: string, summary: TSummary, options?: ErrorOptions) {
    super(stage, message, options);
    this.summary = summary;
  }
}

/** Another process holds the staging file's lock. Exit code 1. */
export class LockedError extends EtlError {
  readonly holder: string;

  constructor(holder: string) {
    super("pipeline", `another etl process is already working on this staging file (${holder}); wait for it to finish or use another --db`);
    this.holder = holder;
  }
}

/** The staging file cannot be used as it is (damaged, not SQLite, or too old to read without migrating it). Names the file and the fix. Exit code 2 (a --db problem). */
export class StagingFileError extends EtlError {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super("pipeline", message, options);
    this.path = path;
  }
}

/** The staging file fails SQLite's quick_check (or is not a database past its header). Names the file and the fix. Exit code 1: the file, not the configuration, is at fault. */
export class DamagedStagingFileError extends EtlError {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super("pipeline", message, options);
    this.path = path;
  }
}
