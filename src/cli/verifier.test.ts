import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { curateRun } from '../curate/curate-run.ts';
import { storeWithRun } from '../curate/testing/fixture-run.ts';
import { plantedRun } from '../curate/testing/planted-run.ts';
import { createBatchSampleVerifier } from '../curate/verify-sample.ts';
import { MATH_VERIFY_VERSION, type MathVerifyPool } from '../verify/math-verify-pool.ts';
import { openMathVerifyPool, verifierName } from './verifier.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/distill.mjs', import.meta.url).pathname;

describe('--verifier option', () => {
  it('accepts ts and math-verify and refuses anything else with the flag named', () => {
    expect(verifierName(undefined)).toBe('ts');
    expect(verifierName('ts')).toBe('ts');
    expect(verifierName('math-verify')).toBe('math-verify');
    expect(() => verifierName('sympy')).toThrow(InvalidInputError);
    expect(() => verifierName('sympy', 'compare-with')).toThrow(/--compare-with must be ts or math-verify/);
  });
});

interface Case {
  gold: string;
  pred: string;
  kind?: 'math' | 'choice';
  expected: boolean;
  mathVerify: boolean;
}
const corpus: Case[] = readFileSync(
  new URL('../verify/fixtures/conformance-cases.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Case);

// Builds (or reuses) the Math-Verify venv from PyPI on first use: slow suite only.
describe.runIf(process.env.DISTILL_SLOW === '1')('Math-Verify worker pool (real math-verify 0.9.0)', () => {
  let pool: MathVerifyPool;
  let dir: string;
  beforeAll(async () => {
    pool = await openMathVerifyPool({ workers: 2 });
    dir = mkdtempSync(join(tmpdir(), 'distill-mv-'));
  }, 600_000);
  afterAll(() => {
    pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the verdicts recorded in the conformance corpus, in input order, in the TS verdict shape', async () => {
    const verdicts = await pool.checkMany(corpus);
    expect(verdicts).toHaveLength(corpus.length);
    const differ = corpus.flatMap((c, i) =>
      verdicts[i]?.correct === c.mathVerify ? [] : [`${i}: ${c.gold} | ${c.pred}`],
    );
    expect(differ).toEqual([]);
    expect(verdicts[0]).toMatchObject({
      extractor: 'math-verify',
      method: 'math-verify',
      verifierVersion: MATH_VERIFY_VERSION,
    });
  }, 300_000);

  it('answers a pair that overruns its time limit with a timeout verdict and keeps working', async () => {
    const slow = await pool.check({
      gold: '2^{2^{2^{2^{5}}}}',
      pred: '$\\boxed{2^{2^{2^{2^{5}}}} + 1}$',
      timeoutMs: 1,
    });
    expect(slow).toMatchObject({ correct: false, method: 'timeout' });
    await expect(pool.check({ gold: '\\frac{1}{2}', pred: 'so $x = 0.5$' })).resolves.toMatchObject({
      correct: true,
    });
  }, 120_000);

  it('verifies a curation run through the pool', async () => {
    const { inputs } = plantedRun();
    const ctx = storeWithRun('gen-mv', inputs);
    try {
      const summary = await curateRun(ctx.store, 'gen-mv', {
        verifyMany: createBatchSampleVerifier((pairs) => pool.checkMany(pairs)),
      });
      expect(summary.verification.verified).toBe(inputs.length);
      expect(summary.verification.correct).toBeGreaterThan(0);
      expect(summary.verification.correct).toBeLessThan(inputs.length);
    } finally {
      ctx.dispose();
    }
  }, 120_000);

  it('distill verify --compare-with math-verify prints the agreement and the disagreements', async () => {
    const file = join(dir, 'pairs.jsonl');
    writeFileSync(
      file,
      `${[
        { gold: '\\frac{14}{3}', pred: 'so the answer is $\\boxed{14/3}$' },
        { gold: '1.22', pred: 'The answer is $1,22$.' },
      ]
        .map((p) => JSON.stringify(p))
        .join('\n')}\n`,
    );
    const { stdout } = await run('node', [
      bin,
      'verify',
      '--batch',
      file,
      '--compare-with',
      'math-verify',
      '--json',
    ]);
    const summary = JSON.parse(stdout) as { pairs: number; agree: number; disagreements: { line: number }[] };
    expect(summary).toMatchObject({ pairs: 2, agree: 1 });
    expect(summary.disagreements.map((d) => d.line)).toEqual([2]);
    const single = await run('node', [
      bin,
      'verify',
      '--gold',
      '5',
      '--pred',
      'x = 5',
      '--verifier',
      'math-verify',
      '--json',
    ]);
    expect(JSON.parse(single.stdout)).toMatchObject({ correct: true, verifierVersion: MATH_VERIFY_VERSION });
  }, 120_000);
});
