// Characters no POSIX shell treats specially in a word: a value made only of them needs no quotes.
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A value as one POSIX shell word: as is when plain, else in single quotes (a quote inside closes, escapes and reopens them). */
export function shellQuote(value: string): string {
  return PLAIN_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `export NAME=value` lines a user can paste into a shell (or `eval`), one a variable, in the order given. */
export function renderExports(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join("\n");
}
