import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, stableId } from './hash.ts';

describe('sha256 / stableId', () => {
  it('are the standard SHA-256 of the UTF-8 text or the bytes, so stored keys and hashes never change', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const text = 'Ünïcødé 🤔\u0000x';
    expect(sha256(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(sha256(new TextEncoder().encode(text))).toBe(sha256(text));
    expect(stableId('sample', 'run-1', 'p1', 0)).toBe(
      sha256('sample\u0000run-1\u0000p1\u00000').slice(0, 16),
    );
  });
});
