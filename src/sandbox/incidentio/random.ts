/**
 * Mixes up to four 32-bit inputs into one well-spread 32-bit value (murmur3's finalizer applied after
 * each input). Pure and allocation-free, so a record can derive its fields from (seed, kind, index)
 * without any state.
 */
export function hash32(a: number, b: number, c: number, d = 0): number {
  let h = mix(0x811c9dc5 ^ a) ^ b;
  h = mix(h) ^ c;
  h = mix(h) ^ d;
  return mix(h);
}

function mix(value: number): number {
  let h = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Splits an index that may exceed 32 bits into its low and high words, so both feed the hash. */
export function hashIndex(seed: number, tag: number, index: number, salt = 0): number {
  return hash32(seed, tag ^ (Math.floor(index / 0x100000000) << 10), index >>> 0, salt);
}

/** `hash` as a fraction in [0, 1). */
export function toUnit(hash: number): number {
  return hash / 0x100000000;
}

/** A small deterministic stream of numbers (mulberry32), one per generated record. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next value in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError("cannot pick from an empty list");
    return item;
  }

  /** `count` distinct integers from [0, size), in ascending order (fewer when size is smaller). */
  distinct(count: number, size: number): number[] {
    const chosen = new Set<number>();
    const wanted = Math.min(count, size);
    // Rejection sampling stays cheap because callers ask for a few values out of many; the bound
    // guarantees termination even for an unlucky stream.
    for (let attempt = 0; chosen.size < wanted && attempt < wanted * 20; attempt += 1) chosen.add(Math.floor(this.next() * size));
    for (let fill = 0; chosen.size < wanted; fill += 1) chosen.add(fill);
    return [...chosen].sort((x, y) => x - y);
  }
}
