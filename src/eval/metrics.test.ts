import { describe, expect, it } from 'vitest';
import { accuracyMetrics, majorityCorrect, pass1Interval, passAtK, wilsonInterval } from './metrics.ts';

describe('eval metrics', () => {
  it('computes the unbiased pass@k estimator', () => {
    expect(passAtK(10, 0, 1)).toBe(0);
    expect(passAtK(10, 10, 1)).toBe(1);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 10);
    // 1 - C(7,2)/C(10,2) = 1 - 21/45
    expect(passAtK(10, 3, 2)).toBeCloseTo(1 - 21 / 45, 10);
  });

  it('gives a Wilson interval that contains the estimate and narrows with n', () => {
    const small = wilsonInterval(8, 10);
    const large = wilsonInterval(800, 1000);
    expect(small.low).toBeLessThan(0.8);
    expect(small.high).toBeGreaterThan(0.8);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(wilsonInterval(0, 10).low).toBe(0);
  });

  it('uses per-problem means as the unit when K > 1', () => {
    const ci = pass1Interval([0.5, 0.75, 1, 0.25]);
    expect(ci.low).toBeLessThan(0.625);
    expect(ci.high).toBeGreaterThan(0.625);
  });

  it('votes by majority of extracted answers', () => {
    expect(
      majorityCorrect({
        problemId: 'p',
        family: 'f',
        correct: [false, true, true],
        answers: ['1', '2', '2'],
      }),
    ).toBe(true);
    expect(
      majorityCorrect({
        problemId: 'p',
        family: 'f',
        correct: [false, false, true],
        answers: ['1', '1', '2'],
      }),
    ).toBe(false);
    expect(majorityCorrect({ problemId: 'p', family: 'f', correct: [false], answers: [null] })).toBe(false);
  });

  it('aggregates pass@1, maj@K and pass@K', () => {
    const m = accuracyMetrics([
      { problemId: 'a', family: 'f', correct: [true, true], answers: ['1', '1'] },
      { problemId: 'b', family: 'f', correct: [false, true], answers: ['3', '4'] },
    ]);
    expect(m.pass1).toBeCloseTo(0.75);
    expect(m.passK).toBe(1);
    expect(m.majK).toBe(0.5);
    expect(m.samplesPerProblem).toBe(2);
  });
});
