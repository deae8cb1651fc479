/** A jq expression evaluated in-process: its first output for one input. */
export type SimpleExpression = (input: unknown) => unknown;

const PATH = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

function jqTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

function indexPath(keys: readonly string[]): SimpleExpression {
  return (input) => {
    let node = input;
    for (const key of keys) {
      if (node === null || node === undefined) return null;
      if (typeof node !== "object" || Array.isArray(node)) {
        // jq's own wording, so a native evaluation fails the way jq would.
        throw new Error(`Cannot index ${jqTypeOf(node)} with "${key}"`);
      }
      node = (node as Record<string, unknown>)[key];
    }
    return node === undefined ? null : node;
  };
}

/**
 * Compiles the jq forms common enough in mappings to skip a jq process for — `.`, `.a`, `.a.b`,
 * `true`, `false`, `null` — with jq's semantics (a missing key or a null input gives null; indexing an
 * array, string, number or boolean throws). Returns undefined for anything else, which jq must run.
 */
export function compileSimpleExpression(expression: string): SimpleExpression | undefined {
  const text = expression.trim();
  if (text === ".") return (input) => input;
  if (text === "true") return () => true;
  if (text === "false") return () => false;
  if (text === "null") return () => null;
  if (PATH.test(text)) return indexPath(text.slice(1).split("."));
  return undefined;
}
