/**
 * Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: a swap counts once,
 * since `trasnform` is one slip of the fingers, not two.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known name `word` most likely meant, or undefined when none is close: a third of its letters may
 * be wrong (at most 3, at least 1), or it may be the start of exactly one name (`trans` → `transform`).
 * Ties go to the name listed first.
 */
export function nearestName(word: string, known: readonly string[]): string | undefined {
  const needle = word.toLowerCase();
  const allowed = Math.min(3, Math.max(1, Math.floor(needle.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(needle, name.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  const extending = needle.length >= 3 ? known.filter((name) => name.toLowerCase().startsWith(needle)) : [];
  return extending.length === 1 ? extending[0] : undefined;
}
