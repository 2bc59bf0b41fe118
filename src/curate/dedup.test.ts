import { describe, expect, it } from 'vitest';
import { Deduplicator } from './dedup.ts';
import { estimateJaccard, jaccard, MinHasher } from './minhash.ts';

const long =
  'A farmer has a field shaped like a rectangle. The field is 120 metres long and 80 metres wide. ' +
  'He wants to put a fence around the whole field and a gate that is 4 metres wide. ' +
  'Fencing costs 7 dollars per metre and the gate costs 150 dollars. How much does he spend in total?';

describe('Deduplicator', () => {
  it('finds exact duplicates after normalisation and keeps the first', () => {
    const d = new Deduplicator();
    expect(d.check('a', long)).toBeNull();
    expect(d.check('b', long.toUpperCase().replace(/ /g, '  '))).toEqual({
      kind: 'exact',
      of: 'a',
      similarity: 1,
    });
  });

  it('finds near-duplicates with MinHash-LSH and reports the estimated Jaccard', () => {
    const d = new Deduplicator({ threshold: 0.7 });
    d.check('a', long);
    const near = d.check('b', long.replace('He wants to put', 'He would like to put'));
    expect(near).toMatchObject({ kind: 'near', of: 'a' });
    expect(near?.similarity).toBeGreaterThanOrEqual(0.7);
  });

  it('does not merge problems that differ in their numbers (sameNumbers guard), unless told to', () => {
    const other = long.replace('120 metres', '130 metres');
    const guarded = new Deduplicator({ threshold: 0.7 });
    guarded.check('a', long);
    expect(guarded.check('b', other)).toBeNull();
    const loose = new Deduplicator({ threshold: 0.7, sameNumbers: false });
    loose.check('a', long);
    expect(loose.check('b', other)).toMatchObject({ kind: 'near', of: 'a' });
  });

  it('keeps unrelated texts', () => {
    const d = new Deduplicator();
    d.check('a', long);
    expect(d.check('b', 'What is the sum of the first 100 positive integers? Explain each step.')).toBeNull();
  });
});

describe('MinHash', () => {
  it('estimates Jaccard within sampling error', () => {
    const a = new Set(Array.from({ length: 400 }, (_, i) => `s${i}`));
    const b = new Set(Array.from({ length: 400 }, (_, i) => `s${i + 100}`));
    const h = new MinHasher({ numPerm: 256 });
    const est = estimateJaccard(h.signature(a), h.signature(b));
    expect(Math.abs(est - jaccard(a, b))).toBeLessThan(0.1);
  });
});
