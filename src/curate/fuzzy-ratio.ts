/**
 * rapidfuzz `fuzz.ratio` semantics, scaled to 0..1: the normalised Indel similarity
 * `1 - indel(a, b) / (|a| + |b|)` = `2·LCS(a, b) / (|a| + |b|)`, over Unicode code points.
 * LCS uses Hyyrö's bit-parallel algorithm in 32-bit blocks: O(⌈|a|/32⌉·|b|).
 */
export function fuzzRatio(a: string, b: string): number {
  const ca = codePoints(a);
  const cb = codePoints(b);
  const total = ca.length + cb.length;
  if (total === 0) return 1;
  return (2 * lcsLength(ca, cb)) / total;
}

/** Code points of a string (rapidfuzz compares code points, not UTF-16 units). */
export function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0) as number);
  return out;
}

/** Length of the longest common subsequence, bit-parallel (Hyyrö 2004) over 32-bit blocks of `a`. */
export function lcsLength(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length > b.length) return lcsLength(b, a);
  const blocks = Math.ceil(a.length / 32);
  const peq = new Map<number, Uint32Array>();
  for (let i = 0; i < a.length; i++) {
    const c = a[i] as number;
    let mask = peq.get(c);
    if (!mask) {
      mask = new Uint32Array(blocks);
      peq.set(c, mask);
    }
    mask[i >>> 5] = (mask[i >>> 5] as number) | (1 << (i & 31));
  }
  const v = new Uint32Array(blocks).fill(0xffffffff);
  const empty = new Uint32Array(blocks);
  for (const c of b) {
    const m = peq.get(c) ?? empty;
    let carry = 0;
    for (let k = 0; k < blocks; k++) {
      const vk = v[k] as number;
      const u = (vk & (m[k] as number)) >>> 0;
      // (vk + u + carry) with carry out, in 32-bit unsigned arithmetic.
      const sum = vk + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[k] = ((sum >>> 0) | (vk - u)) >>> 0;
    }
  }
  let zeros = 0;
  for (let k = 0; k < blocks; k++) {
    const bits = k === blocks - 1 && a.length % 32 !== 0 ? a.length % 32 : 32;
    const word = v[k] as number;
    for (let i = 0; i < bits; i++) if ((word & (1 << i)) === 0) zeros++;
  }
  return zeros;
}

/** Character-class histogram (code point mod 64) used for a cheap upper bound on the LCS. */
export function histogram(cps: readonly number[]): Int32Array {
  const h = new Int32Array(64);
  for (const c of cps) h[c & 63] = (h[c & 63] as number) + 1;
  return h;
}

/** Upper bound on LCS(a, b) from two histograms: Σ min(countA, countB) per bucket. */
export function lcsUpperBound(ha: Int32Array, hb: Int32Array): number {
  let s = 0;
  for (let i = 0; i < 64; i++) s += Math.min(ha[i] as number, hb[i] as number);
  return s;
}
