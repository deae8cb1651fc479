import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A credential that must never reach logs, error text, JSON output or the SQLite file. Serializing or
 * printing it yields "[redacted]"; only the HTTP clients call `reveal()`, to build a header.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value, for the Authorization header and nothing else. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
