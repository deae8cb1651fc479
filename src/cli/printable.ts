// Control characters (C0, DEL, C1) in data from the APIs would move the cursor, recolour or split lines.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character shown as a `\uXXXX` escape, for printing values that came from an API. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
