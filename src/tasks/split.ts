export type Split = 'train' | 'eval';
export const SPLITS: readonly Split[] = ['train', 'eval'];

/** Out of this many hash buckets, bucket 0 is eval: about 10% of every family's problem space is held out. */
export const SPLIT_BUCKETS = 10;

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain, bryc). Stable across platforms. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The split a built-in problem belongs to, as a pure function of its canonical content (family, operands,
 * template — never the seed, names or surface order): `hash53(canonical) % SPLIT_BUCKETS === 0` is eval.
 * Generation for one split rejects problems of the other, so an eval problem can never appear in a training
 * split, whatever the seed.
 */
export function splitOfCanonical(canonical: string): Split {
  return hash53(canonical) % SPLIT_BUCKETS === 0 ? 'eval' : 'train';
}
