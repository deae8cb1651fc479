import { compareCodeUnits } from "./plan";

/**
 * Groups blueprints into levels so that every relation points at an earlier level or at its own:
 * level 0 relates to nothing in the set, level 1 only to level 0, and so on. Blueprints that
 * relate to each other in a cycle share a level (Port accepts them in any order when missing
 * targets are created as placeholders, and a later run fills in what a cycle left dangling).
 * Targets outside the set and self-relations are ignored. Upserts walk the levels forwards,
 * deletes backwards. Each level is sorted.
 */
export function orderBlueprintLevels(blueprints: readonly string[], targetsOf: (blueprint: string) => readonly string[]): string[][] {
  const members = [...new Set(blueprints)].sort(compareCodeUnits);
  const inSet = new Set(members);
  const edges = new Map(members.map((blueprint) => [blueprint, [...new Set(targetsOf(blueprint))].filter((target) => inSet.has(target) && target !== blueprint)]));
  const component = findComponents(members, (blueprint) => edges.get(blueprint) ?? []);
  const level = new Map<number, number>();
  // Tarjan numbers components in reverse topological order: a component's targets are numbered before it.
  const componentCount = Math.max(-1, ...component.values()) + 1;
  for (let id = 0; id < componentCount; id += 1) {
    let deepest = -1;
    for (const blueprint of members) {
      if (component.get(blueprint) !== id) continue;
      for (const target of edges.get(blueprint) ?? []) {
        const targetComponent = component.get(target) as number;
        if (targetComponent !== id) deepest = Math.max(deepest, level.get(targetComponent) ?? 0);
      }
    }
    level.set(id, deepest + 1);
  }
  const levels: string[][] = [];
  for (const blueprint of members) {
    const at = level.get(component.get(blueprint) as number) ?? 0;
    while (levels.length <= at) levels.push([]);
    levels[at]?.push(blueprint);
  }
  return levels.filter((group) => group.length > 0);
}

/** Tarjan's strongly connected components; ids come out in reverse topological order of the condensed graph. */
function findComponents(nodes: readonly string[], next: (node: string) => readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  // Recursion depth is bounded by the number of blueprints (tens, at most a few hundred).
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next(node)) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      for (;;) {
        const member = stack.pop() as string;
        onStack.delete(member);
        component.set(member, components);
        if (member === node) break;
      }
      components += 1;
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return component;
}
