/**
 * A seeded pseudo-random generator (mulberry32): tiny, fast and reproducible from a 32-bit seed.
 * Returns a function that yields floats in [0, 1). Same seed → same sequence, on every platform.
 * Good enough for sampling, fault injection and fuzzing; not for cryptography.
 * (Task generation uses its own string-seeded sfc32 in `src/tasks/rng.ts`, whose outputs stored data relies on.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
