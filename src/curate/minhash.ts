import { fnv1a } from './text-normalize.ts';

export interface MinHasherOptions {
  /** Number of hash permutations (signature length). Defaults to 64. */
  numPerm?: number;
  /** Seed for the permutation constants. Defaults to 1. */
  seed?: number;
}

/** murmur3 32-bit finaliser: a cheap, well-mixed permutation of 32-bit integers. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Classic k-permutation MinHash over string shingles. Permutation i is `fmix32(h ^ seed_i)`,
 * which is enough independence for Jaccard estimation at these sizes.
 */
export class MinHasher {
  readonly numPerm: number;
  private readonly seeds: Uint32Array;

  constructor(options: MinHasherOptions = {}) {
    this.numPerm = options.numPerm ?? 64;
    this.seeds = new Uint32Array(this.numPerm);
    let s = (options.seed ?? 1) >>> 0;
    for (let i = 0; i < this.numPerm; i++) {
      s = fmix32(s + 0x9e3779b9);
      this.seeds[i] = s;
    }
  }

  /** Signature of a set of shingles (an empty set gets an all-0xffffffff signature). */
  signature(shingles: Iterable<string>): Uint32Array {
    const sig = new Uint32Array(this.numPerm).fill(0xffffffff);
    const seeds = this.seeds;
    for (const shingle of shingles) {
      const h = fnv1a(shingle);
      for (let i = 0; i < sig.length; i++) {
        const v = fmix32(h ^ (seeds[i] as number));
        if (v < (sig[i] as number)) sig[i] = v;
      }
    }
    return sig;
  }
}

/** Estimated Jaccard similarity: the share of equal signature slots. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Exact Jaccard similarity of two sets (for tests and small inputs). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
