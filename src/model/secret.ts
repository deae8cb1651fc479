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

// Credentials quoted in text whatever their value, for those this process never held (a token another
// client sent, one Port issued to a previous process): an `Authorization` header's value, in prose or
// JSON (escaped or not), and any `Bearer <token>`.
const AUTHORIZATION_VALUE = /(\bauthorization\\?["']?\s*[:=]\s*\\?["']?)(?:(?:bearer|basic|token|digest|apikey)\s+)?[^\s"'\\,;}]+/gi;
const BEARER_TOKEN = /\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi;

/**
 * Replaces every credential held in a `Secret` by this process, the value of any `Authorization`
 * header and any `Bearer <token>` in `text` with "[redacted]".
 */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const value of held) if (redacted.includes(value)) redacted = redacted.replaceAll(value, REDACTED);
  return redacted.replace(AUTHORIZATION_VALUE, `$1${REDACTED}`).replace(BEARER_TOKEN, `$1 ${REDACTED}`);
}
