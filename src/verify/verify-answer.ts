import { z } from 'zod';
import { splitGsm8kAnswer } from '../core/gsm8k-answer.ts';
import type { Verdict } from '../core/verdict.ts';
import { lastBoxed } from './boxed.ts';
import { extractChoice } from './choice.ts';
import { compareAnswers } from './compare.ts';
import { type ExtractOptions, type ExtractorName, extractAnswer } from './extract.ts';
import type { ComplexityLimits } from './guard.ts';
import { VERIFIER_VERSION } from './version.ts';

/** How to compare: `math` (Math-Verify-style equivalence), `exact` (trimmed string), `choice` (option letter). */
export const VerifyKindSchema = z.enum(['math', 'exact', 'choice']);
export type VerifyKind = z.infer<typeof VerifyKindSchema>;

/** One (gold, pred) pair as accepted at every boundary (API, CLI `--batch` lines, worker messages). */
export const VerifyInputSchema = z.object({
  gold: z.string(),
  pred: z.string(),
  kind: VerifyKindSchema.optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export interface VerifyInput {
  /** The reference answer (`\frac{14}{3}`, `#### 72`, or a solution containing `\boxed{}`). */
  gold: string;
  /** The model reply, or just its answer. The answer is extracted from it. */
  pred: string;
  /** Defaults to `'math'`. */
  kind?: VerifyKind;
  /**
   * Time limit for this check in ms. In process it is checked between element comparisons and single
   * symbolic calls are kept small by the complexity guard; `verifyBatch` enforces it hard by stopping
   * its worker. Defaults to 5000.
   */
  timeoutMs?: number;
  /** Extraction order for `pred`. Defaults to boxed, `####`, "the answer is", last number. */
  extract?: ExtractOptions;
  /** Relative tolerance for decimals. Defaults to 1e-6. */
  relTol?: number;
  /**
   * Size limits checked before the symbolic step; `false` disables them (use only inside
   * `verifyBatch`, whose worker enforces `timeoutMs` hard). Defaults to the standard limits.
   */
  limits?: ComplexityLimits | false;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 5000;

/** The gold's own answer: last `\boxed{}` of a solution, or the text after `####`, else the string itself. */
export function goldAnswer(gold: string): string {
  const boxed = lastBoxed(gold);
  if (boxed !== null) return boxed;
  return splitGsm8kAnswer(gold)?.answer ?? gold.trim();
}

function verdict(
  correct: boolean,
  extracted: string | null,
  extractor: ExtractorName | 'choice' | null,
  method: string,
  detail?: string,
): Verdict {
  return {
    correct,
    extracted,
    extractor,
    method,
    verifierVersion: VERIFIER_VERSION,
    ...(detail ? { detail } : {}),
  };
}

/**
 * Check a predicted reply against a gold answer and return the Verdict. Never throws for odd input:
 * an unreadable answer is simply not correct (`method: 'none'`).
 */
export function verifyAnswer(input: VerifyInput): Verdict {
  const kind = input.kind ?? 'math';
  const gold = goldAnswer(input.gold);
  if (kind === 'choice') {
    const g = extractChoice(gold);
    const p = extractChoice(input.pred);
    if (p === null) return verdict(false, null, null, 'none', 'no option letter found');
    return verdict(g !== null && g === p, p, 'choice', 'choice');
  }
  const { extracted, extractor } = extractAnswer(input.pred, input.extract);
  if (extracted === null) return verdict(false, null, null, 'none', 'no answer found');
  if (kind === 'exact') {
    const squash = (s: string) => s.trim().replace(/\s+/g, ' ');
    return verdict(squash(gold) === squash(extracted), extracted, extractor, 'exact');
  }
  try {
    const c = compareAnswers(gold, extracted, {
      ...(input.relTol !== undefined ? { relTol: input.relTol } : {}),
      ...(input.limits !== undefined ? { limits: input.limits } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    });
    return verdict(c.equal, extracted, extractor, c.method, c.detail);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return verdict(false, extracted, extractor, 'none', `checker failed: ${message}`);
  }
}
