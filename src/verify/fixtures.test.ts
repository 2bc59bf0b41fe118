import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { verifyAnswer } from './verify-answer.ts';

const CaseSchema = z.object({
  id: z.string(),
  gold: z.string(),
  pred: z.string(),
  expected: z.boolean(),
  note: z.string(),
});

/**
 * Cases where the verifier knowingly disagrees with the table (id → reason). The test fails if a case
 * disagrees without being listed here, and also if a listed case starts agreeing, so the list can
 * neither grow silently nor go stale.
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

const cases = readFileSync(new URL('./fixtures/equivalence-cases.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => CaseSchema.parse(JSON.parse(line)));

describe('equivalence fixture table (MATH-500 and GSM8K answers in other surface forms)', () => {
  it('holds hundreds of real positive and negative cases', () => {
    expect(cases.length).toBeGreaterThan(1000);
    expect(cases.filter((c) => !c.expected).length).toBeGreaterThan(300);
    expect(new Set(cases.map((c) => c.id.split(':')[0])).size).toBeGreaterThanOrEqual(3);
  });

  it('agrees with ≥98% of the table, and exactly the listed cases disagree', () => {
    const disagreements: string[] = [];
    for (const c of cases) {
      const v = verifyAnswer({ gold: c.gold, pred: c.pred });
      if (v.correct !== c.expected) disagreements.push(c.id);
    }
    const agreement = 1 - disagreements.length / cases.length;
    expect(agreement).toBeGreaterThanOrEqual(0.98);
    expect(disagreements.sort()).toEqual(Object.keys(KNOWN_DISAGREEMENTS).sort());
  });
});
