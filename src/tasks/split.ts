import { createHash } from 'node:crypto';

export type Split = 'train' | 'eval';
export const SPLITS: readonly Split[] = ['train', 'eval'];

/** Out of this many hash buckets, bucket 0 is eval: about 10% of every family's problem space is held out. */
export const SPLIT_BUCKETS = 10;

/**
 * The split a built-in problem belongs to, as a pure function of its canonical content (family, operands,
 * template — never the seed, names or surface order). Generation for one split rejects problems of the other,
 * so an eval problem can never appear in a training split, whatever the seed.
 */
export function splitOfCanonical(canonical: string): Split {
  const h = createHash('sha256').update('distill-split-v1\u0000').update(canonical).digest();
  return h.readUInt32BE(0) % SPLIT_BUCKETS === 0 ? 'eval' : 'train';
}
