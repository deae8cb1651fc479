import { stringify } from "yaml";
import type { SeededRandom } from "./seeded-random";

/** One generated mapping text and what was done to the valid one to get it. */
export interface MappingMutation {
  readonly text: string;
  readonly description: string;
  /** Where a structural mutation struck (`["resources", 3, "selector"]`), one path or two; none for text mutations. */
  readonly paths: readonly (readonly (string | number)[])[];
  /** For an added unknown key: its path as the product writes it (`resources[3].selectr`). */
  readonly unknownKey?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const WRONG_VALUES: readonly Json[] = [42, -1.5, 0, true, false, null, "", "text", [], {}, ["a", 1], { k: "v" }, [[[]]], "1e309"];
const UNKNOWN_KEYS = ["selectr", "mapping", "identifer", "propertes", "entities", "kinds", "extra", "toString", "constructor", "__proto__", "kind ", "Port"];
const YAML_TOKENS = [": ", "- ", "[", "]", "{", "}", "&a ", "*a", "*missing", "!!binary ", "!!js/function ", "!custom ", "|", ">", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "? ", "@", "`", "\u0000", "\ufeff", "\t", "\r", ",", "\\"];

function listPaths(node: Json, path: Path, out: Path[]): void {
  out.push(path);
  if (Array.isArray(node)) node.forEach((child, index) => listPaths(child, [...path, index], out));
  else if (node !== null && typeof node === "object") for (const [key, child] of Object.entries(node)) listPaths(child, [...path, key], out);
}

function parentOf(root: Json, path: Path): Json {
  let node = root;
  for (const segment of path.slice(0, -1)) node = (node as Record<string | number, Json>)[segment] as Json;
  return node;
}

function setOwn(target: Record<string, Json>, key: string, value: Json): void {
  // Plain assignment of "__proto__" would change the prototype instead of adding a key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** How the product writes a path in messages: `resources[3].selector.query`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((segment, i) => (typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${segment}`)).join("");
}

function mutateStructure(base: Json, random: SeededRandom): MappingMutation {
  const root = structuredClone(base);
  const paths: Path[] = [];
  listPaths(root, [], paths);
  const targets = paths.filter((p) => p.length > 0);
  const path = random.pick(targets);
  const parent = parentOf(root, path) as Record<string | number, Json>;
  const key = path.at(-1) as string | number;
  const kind = random.pick(["wrong type", "missing key", "unknown key", "huge value", "renamed key", "swapped values"] as const);
  switch (kind) {
    case "wrong type": {
      const value = random.pick(WRONG_VALUES);
      parent[key] = structuredClone(value);
      return { text: stringify(root), description: `${formatPath(path)} set to ${JSON.stringify(value)}`, paths: [path] };
    }
    case "missing key": {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return { text: stringify(root), description: `${formatPath(path)} removed`, paths: [path] };
    }
    case "unknown key": {
      const objects = paths.filter((p) => {
        const node = p.length === 0 ? root : (parentOf(root, [...p, "x"]) as Json);
        return node !== null && typeof node === "object" && !Array.isArray(node);
      });
      const at = random.pick(objects);
      const node = (at.length === 0 ? root : parentOf(root, [...at, "x"])) as Record<string, Json>;
      const unknown = random.pick(UNKNOWN_KEYS);
      if (Object.hasOwn(node, unknown)) return { text: stringify(root), description: "unchanged", paths: [at] };
      setOwn(node, unknown, random.pick(WRONG_VALUES));
      const keyPath = [...at, unknown];
      return { text: stringify(root), description: `${formatPath(keyPath)} added`, paths: [keyPath], unknownKey: formatPath(keyPath) };
    }
    case "huge value": {
      const value: Json = random.isHit(0.5)
        ? "x".repeat(random.nextInt(10_000, 200_000))
        : Array.from({ length: random.nextInt(50, 150) }, () => structuredClone(parent[key] ?? null));
      parent[key] = value;
      return { text: stringify(root), description: `${formatPath(path)} made huge`, paths: [path] };
    }
    case "renamed key": {
      if (Array.isArray(parent) || typeof key !== "string" || key.length < 2) return { text: stringify(root), description: "unchanged", paths: [path] };
      const at = random.nextInt(0, key.length - 1);
      const renamed = random.isHit(0.5) ? key.slice(0, at) + key.slice(at + 1) : key.toUpperCase();
      const value = parent[key] as Json;
      delete parent[key];
      setOwn(parent as Record<string, Json>, renamed, value);
      return { text: stringify(root), description: `${formatPath(path)} renamed ${renamed}`, paths: [path] };
    }
    case "swapped values": {
      const other = random.pick(targets);
      const otherParent = parentOf(root, other) as Record<string | number, Json>;
      const otherKey = other.at(-1) as string | number;
      const value = structuredClone(parent[key] ?? null);
      parent[key] = structuredClone(otherParent[otherKey] ?? null);
      otherParent[otherKey] = value;
      return { text: stringify(root), description: `${formatPath(path)} swapped with ${formatPath(other)}`, paths: [path, other] };
    }
  }
}

function mutateText(text: string, random: SeededRandom): MappingMutation {
  const lines = text.split("\n");
  const line = random.nextInt(0, lines.length - 1);
  const current = lines[line] ?? "";
  const kind = random.pick(["indentation", "tab", "deleted line", "duplicated line", "swapped lines", "stray token", "truncated", "alias bomb", "odd character"] as const);
  const described = (description: string, out: string): MappingMutation => ({ text: out, description: `line ${line + 1}: ${description}`, paths: [] });
  switch (kind) {
    case "indentation": {
      const shift = random.pick([-4, -2, -1, 1, 2, 3]);
      const indent = Math.max(0, current.length - current.trimStart().length + shift);
      lines[line] = " ".repeat(indent) + current.trimStart();
      return described(`indentation shifted by ${shift}`, lines.join("\n"));
    }
    case "tab":
      lines[line] = current.replace(/^( {2}| )/, "\t");
      return described("a tab in the indentation", lines.join("\n"));
    case "deleted line":
      lines.splice(line, 1);
      return described("deleted", lines.join("\n"));
    case "duplicated line":
      lines.splice(line, 0, current);
      return described("duplicated", lines.join("\n"));
    case "swapped lines": {
      const other = random.nextInt(0, lines.length - 1);
      lines[line] = lines[other] ?? "";
      lines[other] = current;
      return described(`swapped with line ${other + 1}`, lines.join("\n"));
    }
    case "stray token": {
      const token = random.pick(YAML_TOKENS);
      const at = random.nextInt(0, current.length);
      lines[line] = current.slice(0, at) + token + current.slice(at);
      return described(`${JSON.stringify(token)} inserted at column ${at + 1}`, lines.join("\n"));
    }
    case "truncated": {
      const at = random.nextInt(0, text.length);
      return { text: text.slice(0, at), description: `truncated after ${at} characters`, paths: [] };
    }
    case "alias bomb": {
      const bomb = ["x0: &x0 [a, a, a, a, a, a, a, a, a, a]"];
      for (let level = 1; level < 8; level += 1) bomb.push(`x${level}: &x${level} [${Array.from({ length: 10 }, () => `*x${level - 1}`).join(", ")}]`);
      return { text: `${bomb.join("\n")}\n${text.replace(/^resources:/m, "resources: *x7\nunused:")}`, description: "an alias bomb", paths: [] };
    }
    case "odd character": {
      const at = random.nextInt(0, Math.max(0, current.length - 1));
      const character = random.pick(["\u202e", "\u0000", "\u00a0", "\u2028", "😀", "\ud800", "\u0085", ":", "#", "\\"]);
      lines[line] = current.slice(0, at) + character + current.slice(at + 1);
      return described(`character ${at + 1} replaced by ${JSON.stringify(character)}`, lines.join("\n"));
    }
  }
}

/** A mutation of the valid mapping `base` (its YAML `text` and parsed `value`): structural or textual, half each. */
export function generateMappingMutation(text: string, value: unknown, random: SeededRandom): MappingMutation {
  return random.isHit(0.5) ? mutateStructure(value as Json, random) : mutateText(text, random);
}
