import { createHash } from 'node:crypto';
import { LshIndex } from './lsh-index.ts';
import { MinHasher } from './minhash.ts';
import { normalizeText, numberKey, wordNgrams, words } from './text-normalize.ts';

export const DEDUP_VERSION = '1';

export interface DedupOptions {
  /** Word n-gram size of the shingles. Defaults to 3. */
  shingle?: number;
  /** Estimated Jaccard at or above which two texts are near-duplicates. Defaults to 0.8. */
  threshold?: number;
  /** MinHash permutations (= bands × rows). Defaults to 64. */
  numPerm?: number;
  /** LSH bands. Defaults to 16. */
  bands?: number;
  /**
   * Only call texts near-duplicates when they mention the same numbers in the same order: two math
   * problems that differ only in their numbers are different problems. Defaults to true.
   */
  sameNumbers?: boolean;
  /** Run MinHash-LSH at all (false = exact dedup only). Defaults to true. */
  near?: boolean;
}

/** Why a text is a duplicate: an exact (normalised) copy or a MinHash-LSH near-duplicate of `of`. */
export interface DuplicateMatch {
  kind: 'exact' | 'near';
  /** Id of the first text seen (the one kept). */
  of: string;
  /** Estimated Jaccard (1 for exact copies). */
  similarity: number;
}

/**
 * Streaming deduplicator: `check` answers whether a text duplicates one seen before and, when it does not,
 * remembers it. Exact = same lowercase/whitespace-normalised text (SHA-1 key); near = MinHash-LSH.
 */
export class Deduplicator {
  readonly params: Required<DedupOptions>;
  private readonly exact = new Map<string, string>();
  private readonly hasher: MinHasher;
  private readonly index: LshIndex;
  private readonly ids: string[] = [];
  private readonly numbers: string[] = [];

  constructor(options: DedupOptions = {}) {
    const numPerm = options.numPerm ?? 64;
    const bands = options.bands ?? 16;
    this.params = {
      shingle: options.shingle ?? 3,
      threshold: options.threshold ?? 0.8,
      numPerm,
      bands,
      sameNumbers: options.sameNumbers ?? true,
      near: options.near ?? true,
    };
    this.hasher = new MinHasher({ numPerm });
    this.index = new LshIndex({ bands, rows: numPerm / bands });
  }

  /** Check `text` (identified by `id`) against every text kept so far; keep it when it is new. */
  check(id: string, text: string): DuplicateMatch | null {
    const normalized = normalizeText(text);
    const key = createHash('sha1').update(normalized).digest('base64');
    const first = this.exact.get(key);
    if (first !== undefined) return { kind: 'exact', of: first, similarity: 1 };
    if (!this.params.near) {
      this.exact.set(key, id);
      return null;
    }
    const tokens = words(normalized);
    const shingles =
      tokens.length < this.params.shingle ? [normalized] : wordNgrams(tokens, this.params.shingle);
    const sig = this.hasher.signature(shingles);
    const nums = this.params.sameNumbers ? numberKey(normalized) : '';
    const match = this.index.query(sig, this.params.threshold, (k) => this.numbers[k] === nums);
    if (match) {
      const of = this.ids[match.key] as string;
      this.exact.set(key, of);
      return { kind: 'near', of, similarity: match.similarity };
    }
    this.exact.set(key, id);
    this.index.insert(sig);
    this.ids.push(id);
    this.numbers.push(nums);
    return null;
  }
}
