// Ocean rewrites single-quoted string delimiters to double quotes before compiling any mapping
// expression (port_ocean JQEntityProcessor._format_filter; Port's UI applies the same pattern): a
// quote at the start or after whitespace that does not precede whitespace or `"` opens a string, and
// one before whitespace or the end that does not follow whitespace or `"` closes it. Quotes anywhere
// else, such as `' - '` or `"it's"`, are left alone, exactly as Ocean leaves them.
const OCEAN_SINGLE_QUOTE = /(^|\s)'(?!\s|")|(?<!\s|")'(\s|$)/g;

/** Rewrites an expression's single-quoted string delimiters to double quotes, as Ocean does before jq sees it. */
export function rewriteSingleQuotes(expression: string): string {
  return expression.replace(OCEAN_SINGLE_QUOTE, '$1"$2');
}
