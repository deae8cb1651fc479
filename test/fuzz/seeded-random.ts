/** A deterministic source of choices: the same seed gives the same fuzz inputs on every machine and every run. */
export interface SeededRandom {
  /** A float in [0, 1). */
  nextFloat(): number;
  /** An integer in [min, max]. */
  nextInt(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  isHit(p: number): boolean;
}

/** mulberry32: tiny, fast and well spread, which is all a fuzz generator needs. */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const nextFloat = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const nextInt = (min: number, max: number): number => min + Math.floor(nextFloat() * (max - min + 1));
  return {
    nextFloat,
    nextInt,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[nextInt(0, items.length - 1)] as (typeof items)[number];
    },
    isHit: (p) => nextFloat() < p,
  };
}
