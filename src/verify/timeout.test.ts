import { describe, expect, it } from 'vitest';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { verifyBatch } from './batch.ts';
import { complexityProblem } from './guard.ts';
import { verifyAnswer } from './verify-answer.ts';

describe('time limits', () => {
  it('refuses pathological expressions before the symbolic step (these would exhaust memory or hang)', () => {
    expect(complexityProblem('10^{10^{10}}')).toBe('power tower');
    expect(complexityProblem('100000!')).toMatch(/factorial/);
    expect(complexityProblem('2^{123456}')).toMatch(/exponent/);
    expect(complexityProblem(`${'('.repeat(40)}1${')'.repeat(40)}`)).toMatch(/nested/);
    expect(complexityProblem('x'.repeat(1000))).toMatch(/longer/);
    expect(complexityProblem('\\frac{\\sqrt{3}}{2} + 2^{10}')).toBeNull();
    const started = Date.now();
    const v = verifyAnswer({ gold: '10^{10^{10}}', pred: '\\boxed{10^{10^{10}} + 1}' });
    const w = verifyAnswer({ gold: '100000!', pred: '\\boxed{100001!}' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(v).toMatchObject({ correct: false, detail: 'symbolic step skipped: power tower' });
    expect(w.correct).toBe(false);
  });

  it('stops a long in-process comparison at its time budget', () => {
    const items = Array.from({ length: 140 }, (_, i) => `\\sqrt{${i + 2}}`);
    const started = Date.now();
    const v = verifyAnswer({
      gold: `(${items.join(',')})`,
      pred: `\\boxed{(${items.map((x) => `${x}+0`).join(',')})}`,
      timeoutMs: 50,
    });
    expect(v).toMatchObject({ correct: false, method: 'timeout', detail: 'no verdict within 50 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('batch mode stops a pair that overruns its limit and carries on with the rest, in order', async () => {
    const verdicts = await verifyBatch(
      [
        { gold: '\\frac{1}{2}', pred: '\\boxed{0.5}' },
        // Guard off: the engine tries to compute 100000! exactly and never returns in time.
        { gold: '100000!', pred: '\\boxed{100001!}', limits: false, timeoutMs: 1500 },
        { gold: '3\\sqrt{13}', pred: 'so $\\boxed{\\sqrt{117}}$' },
        { gold: '7', pred: '\\boxed{8}' },
      ],
      { timeoutMs: 20_000 },
    );
    expect(verdicts.map((v) => [v.correct, v.method])).toEqual([
      [true, 'numeric'],
      [false, 'timeout'],
      [true, 'symbolic'],
      [false, 'numeric'],
    ]);
    expect(verdicts[1]).toMatchObject({
      extracted: '100001!',
      extractor: 'boxed',
      detail: 'no verdict within 1500 ms',
    });
  });

  it('delivers verdicts in input order with several workers, and stops on abort', async () => {
    const pairs = Array.from({ length: 40 }, (_, i) => ({
      gold: String(i),
      pred: `\\boxed{${i % 3 === 0 ? i + 1 : i}}`,
    }));
    const order: number[] = [];
    const verdicts = await verifyBatch(pairs, {
      concurrency: 2,
      chunkSize: 7,
      onVerdict: (i) => order.push(i),
    });
    expect(order).toEqual(pairs.map((_, i) => i));
    expect(verdicts.map((v) => v.correct)).toEqual(pairs.map((_, i) => i % 3 !== 0));

    const controller = new AbortController();
    controller.abort();
    await expect(verifyBatch(pairs, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});
