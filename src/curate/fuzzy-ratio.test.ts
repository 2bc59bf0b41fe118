import { describe, expect, it } from 'vitest';
import { codePoints, fuzzRatio, lcsLength } from './fuzzy-ratio.ts';

function naiveLcs(a: number[], b: number[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
  return dp[a.length]![b.length]!;
}

describe('fuzzRatio', () => {
  it('matches rapidfuzz 3.14.6 fuzz.ratio/100 on recorded pairs', () => {
    // Values recorded with `from rapidfuzz import fuzz; fuzz.ratio(a, b) / 100`.
    const cases: Array<[string, string, number]> = [
      ['kitten', 'sitting', 0.6153846153846154],
      ['this is a test', 'this is a test!', 0.9655172413793103],
      ['', 'abc', 0],
      [
        'Natalia sold clips to 48 of her friends in April',
        'Natalia sold clips to 48 of her friends in May',
        0.9148936170212765,
      ],
      ['日本語テキスト', '日本語のテキスト', 0.9333333333333332],
      [`${'a'.repeat(70)}${'b'.repeat(40)}`, `${'a'.repeat(69)}c${'b'.repeat(41)}`, 0.9864253393665159],
      [
        'the quick brown fox jumps over the lazy dog',
        'the quick brown fox jumped over the lazy dogs',
        0.9545454545454546,
      ],
    ];
    for (const [a, b, want] of cases) expect(fuzzRatio(a, b)).toBeCloseTo(want, 12);
  });

  it('bit-parallel LCS equals the dynamic-programming LCS across block boundaries', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let t = 0; t < 200; t++) {
      const k = t % 2 === 0 ? 2 : 5;
      const a = Array.from({ length: rand(300) }, () => rand(k));
      const b = Array.from({ length: rand(300) }, () => rand(k));
      expect(lcsLength(a, b)).toBe(naiveLcs(a, b));
    }
  });

  it('counts astral characters as one code point, like rapidfuzz', () => {
    expect(codePoints('a😀b')).toHaveLength(3);
    expect(fuzzRatio('😀x', '😀y')).toBeCloseTo(0.5, 12);
  });
});
