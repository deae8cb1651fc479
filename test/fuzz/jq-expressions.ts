import type { SeededRandom } from "./seeded-random";

/** What a generated expression is meant to exercise; each category has its own expectations. */
const EXPRESSION_CATEGORIES = ["token soup", "unbalanced", "newer jq", "runtime error", "valid", "huge expression", "runaway"] as const;
export type ExpressionCategory = (typeof EXPRESSION_CATEGORIES)[number];

// Pieces of jq's grammar, each of which terminates on any input: loops and unbounded generators
// belong to the runaway category, which is run one expression at a time.
const TOKENS = [
  ".", "..", ".id", ".title", ".labels", ".nested.deep", ".[0]", ".[]", ".[]?", "?", "|", ",", "(", ")", "[", "]", "{", "}", ":", ";",
  "as", "$x", "$ENV", "if", "then", "elif", "else", "end", "try", "catch", "reduce", "foreach", "def", "and", "or", "not",
  "==", "!=", "<", ">=", "+", "-", "*", "/", "%", "//", "=", "|=", "+=", '"str"', '"\\(.id)"', "'single'", "1", "-1", "0.5",
  "1e1000", "null", "true", "false", "length", "keys", "map(.)", "select(.)", "tostring", "tonumber", "ascii_downcase",
  'split(",")', 'join(",")', 'test("a")', "@base64", "@base64d", "@csv", "@sh", "@uri", "fromjson", "tojson", "error", "empty",
  "first", "last", "limit(2; .[]?)", "env", "input", "halt", 'getpath(["a"])', "paths", "to_entries", "with_entries(.)", "add",
  "any", "all", "flatten", "range(3)", "floor", "sqrt", "min", "max", "unique", "sort", "group_by(.)", 'ltrimstr("a")',
  'sub("a"; "b")', "explode", "implode", 'splits(",")', 'indices(",")', 'contains("a")', 'startswith("a")', "tostream",
  "label $out", "break $out", "#", "\n", "\\", "`", "@", "é", "📛", "\t", "$", '.["k"]', ".a?", "..?", "?//", "[.[]?]",
  "{a: .id}", "{(.id): 1}", "$__loc__", "input_filename", "@json", "ascii", "@text", "splits",
];

// Expressions users write, plus the shipped mapping's own, to break by one character.
const VALID = [
  ".id",
  ".title",
  '.title // "untitled"',
  "[.labels[]?]",
  ".nested.deep.x?",
  ".id | ascii_downcase",
  "(.count // 0) | tostring",
  '[.labels[]? | tostring] | join(", ")',
  'if .status == "firing" then "open" else "closed" end',
  '.status as $s | if $s == null then null elif ($s | IN("firing", "resolved")) then $s else "other" end',
  "{id, title}",
  '[.items[]?.id] | unique',
  ".labels | length?",
  '"\\(.id)-\\(.title // "")"',
  "(.title // \"\") | test(\"disk\"; \"i\")",
  "[paths] | length",
  "to_entries | map(.key) | sort",
  "try (.nested.deep | keys) catch []",
  "reduce (.labels[]? // empty) as $l (0; . + 1)",
  "[limit(3; .labels[]?)]",
  "'single quoted'",
  ".title | ascii_downcase | ltrimstr(\"disk\")",
  "[.[]?] | length",
  "def twice(f): f | f; .count | numbers | twice(. * 2)",
  "label $done | .labels[]? | if . == \"b\" then break $done else . end",
  '[.attributes[]? | select((.attribute.name // "" | ascii_downcase) == "priority") | .value.label // empty] | first',
];

// Builtins and syntax of jq 1.7 or later; on jq 1.6 each must be a ConfigError naming its field.
const NEWER_JQ = [
  "pick(.id)",
  "pick(.nested.deep)",
  "-5 | abs",
  ".title | abs?",
  "toarray",
  ".id | toarray",
  ".title | trim?",
  ".id | ltrimstr(\" \") | rtrim",
  ".id | ltrim",
  "if .id then 1 end",
  "if .title then .title elif .id then .id end",
  "have_decnum",
  "have_literal_numbers",
  '.id | debug("msg")',
  '.id | [scan("r"; "g")]',
  "$__loc__",
  "1.5 | significand",
  "[splits(\"a\"; \"g\")]",
  "getpath([\"id\"]) | ascii",
  "@base32d",
];

// Each compiles on jq 1.6 and 1.7 and fails on every sample record (all objects with string ids).
// Not error(null): jq 1.6 treats it as no output rather than an error.
const RUNTIME_ERRORS = [
  'error("boom")',
  "error({code: 1})",
  ".id | tonumber",
  ".id.x",
  ".id | fromjson",
  '.id | test("(")',
  "{} | .[0]",
  ".id | implode",
  ".id as [$a] | $a",
  "input",
  "halt",
  "halt_error",
  "halt_error(1)",
  "[] | .[\"a\"]",
  ".id - 1",
  ".id | keys",
  ".id[0]",
  '.id | join(",")',
  ".id * {}",
  "reduce .id as $x (0; . + $x)",
  'getpath(["id", "x"])',
  ".id | error",
  '{} | has(0)',
  ".id | splits(1)",
];

// Each runs too long or prints too much on every record; the runner must stop it.
export const RUNAWAYS = [
  "def f: f; f",
  "def f: 1 + f; f",
  "def f: [f]; f",
  "[repeat(1)]",
  "last(range(1e12))",
  "reduce range(1e12) as $i (0; . + 1)",
  "until(false; .)",
  "1 | [recurse(. + 1)]",
  "last(repeat(.))",
  '[limit(1000000; repeat("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))]',
  '"x" * 20000000',
  "[range(3000000)]",
];

function generateSoup(random: SeededRandom): string {
  const count = random.nextInt(1, 10);
  const separator = random.pick([" ", " ", ""]);
  return Array.from({ length: count }, () => random.pick(TOKENS)).join(separator);
}

function generateUnbalanced(random: SeededRandom): string {
  const base = random.pick(VALID);
  const brackets = [...base].flatMap((c, i) => ("()[]{}\"".includes(c) ? [i] : []));
  const how = random.pick(["drop", "insert", "double", "truncate"] as const);
  if (how === "drop" && brackets.length > 0) {
    const at = random.pick(brackets);
    return base.slice(0, at) + base.slice(at + 1);
  }
  if (how === "double" && brackets.length > 0) {
    const at = random.pick(brackets);
    return base.slice(0, at) + (base[at] ?? "") + base.slice(at);
  }
  if (how === "truncate") return base.slice(0, random.nextInt(1, Math.max(1, base.length - 1)));
  const at = random.nextInt(0, base.length);
  return base.slice(0, at) + random.pick(["(", ")", "[", "]", "{", "}", '"', "))", "(("]) + base.slice(at);
}

function generateHugeExpression(random: SeededRandom): string {
  switch (random.nextInt(0, 4)) {
    case 0:
      return `"${"x".repeat(random.nextInt(140_000, 300_000))}"`;
    case 1: {
      const depth = random.nextInt(500, 3000);
      return `${"(".repeat(depth)}.id${")".repeat(depth)}`;
    }
    case 2:
      return `[${Array.from({ length: random.nextInt(2000, 10_000) }, (_, i) => i).join(",")}] | length`;
    case 3:
      return `.id${" | ascii_downcase".repeat(random.nextInt(500, 3000))}`;
    default:
      return `1${" + 1".repeat(random.nextInt(1000, 10_000))}`;
  }
}

/** One generated jq expression of `category`. */
export function generateExpression(category: ExpressionCategory, random: SeededRandom): string {
  switch (category) {
    case "token soup":
      return generateSoup(random);
    case "unbalanced":
      return generateUnbalanced(random);
    case "newer jq":
      return random.pick(NEWER_JQ);
    case "runtime error":
      return random.pick(RUNTIME_ERRORS);
    case "valid":
      return random.pick(VALID);
    case "huge expression":
      return generateHugeExpression(random);
    case "runaway":
      return random.pick(RUNAWAYS);
  }
}
