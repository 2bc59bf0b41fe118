import { estimateJaccard } from './minhash.ts';

export interface LshIndexOptions {
  /** Number of bands; `bands × rows` must equal the signature length. Defaults to 16. */
  bands?: number;
  /** Rows per band. Defaults to 4. */
  rows?: number;
  /**
   * Most keys kept per bucket. Boilerplate makes some band buckets huge, and checking every key there turns the
   * index quadratic; a near-duplicate still meets its original in one of the other bands. Defaults to 32.
   */
  maxBucket?: number;
}

/** A near-duplicate found by {@link LshIndex.query}: the stored key and its estimated Jaccard. */
export interface LshMatch {
  key: number;
  similarity: number;
}

/**
 * MinHash-LSH banding index. Each band of `rows` signature slots is hashed into a bucket; documents
 * sharing any bucket are candidates, confirmed by the estimated Jaccard over the whole signature.
 */
export class LshIndex {
  private readonly bands: number;
  private readonly rows: number;
  private readonly maxBucket: number;
  private readonly buckets: Array<Map<number, number[]>>;
  private readonly signatures: Uint32Array[] = [];

  constructor(options: LshIndexOptions = {}) {
    this.bands = options.bands ?? 16;
    this.rows = options.rows ?? 4;
    this.maxBucket = options.maxBucket ?? 32;
    this.buckets = Array.from({ length: this.bands }, () => new Map<number, number[]>());
  }

  private bandHash(sig: Uint32Array, band: number): number {
    let h = 0x811c9dc5;
    const start = band * this.rows;
    for (let i = start; i < start + this.rows; i++) {
      h ^= sig[i] as number;
      h = Math.imul(h, 0x01000193);
      h ^= h >>> 15;
    }
    return h >>> 0;
  }

  /** Best stored match with estimated Jaccard ≥ `threshold` that passes `accept`, or null. */
  query(sig: Uint32Array, threshold: number, accept: (key: number) => boolean = () => true): LshMatch | null {
    if (sig.length !== this.bands * this.rows)
      throw new RangeError(`signature length ${sig.length} ≠ bands×rows ${this.bands * this.rows}`);
    let best: LshMatch | null = null;
    const seen = new Set<number>();
    for (let b = 0; b < this.bands; b++) {
      const list = this.buckets[b]?.get(this.bandHash(sig, b));
      if (!list) continue;
      for (const key of list) {
        if (seen.has(key)) continue;
        seen.add(key);
        const similarity = estimateJaccard(sig, this.signatures[key] as Uint32Array);
        if (similarity >= threshold && (!best || similarity > best.similarity) && accept(key))
          best = { key, similarity };
      }
    }
    return best;
  }

  /** Store a signature; returns its key (insertion index). */
  insert(sig: Uint32Array): number {
    const key = this.signatures.length;
    this.signatures.push(sig);
    for (let b = 0; b < this.bands; b++) {
      const bucket = this.buckets[b] as Map<number, number[]>;
      const h = this.bandHash(sig, b);
      const list = bucket.get(h);
      if (list) {
        if (list.length < this.maxBucket) list.push(key);
      } else bucket.set(h, [key]);
    }
    return key;
  }

  get size(): number {
    return this.signatures.length;
  }
}
