import { describe, expect, it } from 'vitest';
import { mulberry32 } from './seeded-random.ts';

const take = (next: () => number, n: number) => Array.from({ length: n }, next);

describe('mulberry32', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    expect(take(mulberry32(7), 50)).toEqual(take(mulberry32(7), 50));
    expect(take(mulberry32(7), 50)).not.toEqual(take(mulberry32(8), 50));
  });

  it('treats seeds modulo 2^32', () => {
    expect(take(mulberry32(-1), 10)).toEqual(take(mulberry32(2 ** 32 - 1), 10));
    expect(take(mulberry32(2 ** 32 + 5), 10)).toEqual(take(mulberry32(5), 10));
  });

  it('yields floats in [0, 1) spread over the interval', () => {
    const xs = take(mulberry32(123), 10_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('keeps the published mulberry32 sequence (seeded outputs elsewhere depend on it)', () => {
    // First outputs of mulberry32 for seed 1 (× 2^32), as the sampler, fake teacher and fuzzer produced them before
    // they shared this module: pinned so a change of algorithm shows.
    expect(take(mulberry32(1), 3).map((x) => Math.round(x * 4294967296))).toEqual([
      2693262067, 11749833, 2265367787,
    ]);
  });
});
