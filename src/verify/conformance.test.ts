import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { verifyAnswer } from './verify-answer.ts';

const CaseSchema = z.object({
  id: z.string(),
  category: z.string(),
  gold: z.string(),
  pred: z.string(),
  kind: z.enum(['math', 'choice']).optional(),
  expected: z.boolean(),
  note: z.string(),
  /** Math-Verify 0.9.0's verdict, recorded by running it (build-conformance-cases.py). */
  mathVerify: z.boolean(),
});

const cases = readFileSync(new URL('./fixtures/conformance-cases.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => CaseSchema.parse(JSON.parse(line)));

const CATEGORIES = [
  'long-solution',
  'relation',
  'matrix',
  'number-format',
  'latex-spacing',
  'set-interval-tuple',
  'units',
  'text',
  'multiple-choice',
  'gsm8k-style',
  'math500-style',
];

describe('verifier conformance corpus (expected = a careful human grader)', () => {
  it('holds at least 300 cases over every category, positives and negatives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const category of CATEGORIES) {
      const mine = cases.filter((c) => c.category === category);
      expect(
        mine.some((c) => c.expected),
        category,
      ).toBe(true);
      expect(
        mine.some((c) => !c.expected),
        category,
      ).toBe(true);
    }
  });

  it('agrees with the expected verdict on ≥ 98% and lists where Distill and Math-Verify differ', () => {
    const wrong: string[] = [];
    const differ: string[] = [];
    for (const c of cases) {
      const v = verifyAnswer({ gold: c.gold, pred: c.pred, ...(c.kind ? { kind: c.kind } : {}) });
      const show = `${c.id} (${c.note}): gold ${JSON.stringify(c.gold)} pred ${JSON.stringify(c.pred.slice(-80))} → distill ${v.correct} (${v.extracted}), math-verify ${c.mathVerify}, expected ${c.expected}`;
      if (v.correct !== c.expected) wrong.push(show);
      if (v.correct !== c.mathVerify) differ.push(show);
    }
    const mathVerifyAgree = cases.filter((c) => c.mathVerify === c.expected).length;
    const agreement = 1 - wrong.length / cases.length;
    console.log(
      `conformance: distill ${(100 * agreement).toFixed(1)}%, math-verify ${((100 * mathVerifyAgree) / cases.length).toFixed(1)}% ` +
        `agreement with expected over ${cases.length} cases; distill differs from math-verify on ${differ.length}:\n` +
        differ.join('\n'),
    );
    if (wrong.length > 0) console.log(`distill wrong on ${wrong.length}:\n${wrong.join('\n')}`);
    expect(agreement).toBeGreaterThanOrEqual(0.98);
  });
});
