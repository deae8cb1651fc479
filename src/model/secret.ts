import { inspect } from "node:util";

const REDACTED = "[redacted]";
// Shorter values are not plausible credentials, and scrubbing them would mangle ordinary words.
const MIN_SCRUBBED_LENGTH = 8;
// Every credential this process was given, so that text quoting one (an API that echoes the key it
// was sent into its error message) can be scrubbed before it is printed or stored.
const held = new Set<string>();

/**
 * A credential that must never reach logs, error text, JSON output or the SQLite file. Serializing or
 * printing it yields "[redacted]"; only the HTTP clients call `reveal()`, to build a header.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    if (value.length >= MIN_SCRUBBED_LENGTH) held.add(value);
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

/** Replaces every credential held in a `Secret` by this process with "[redacted]" in `text`. */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const value of held) if (redacted.includes(value)) redacted = redacted.replaceAll(value, REDACTED);
  return redacted;
}
