import type { Sample } from '../core/sample.ts';
import type { Verdict } from '../core/verdict.ts';
import { type EvalSetName, loadEvalSet } from '../tasks/eval-sets.ts';
import { verifyAnswer } from '../verify/verify-answer.ts';
import type { EvalPrompt } from './decontaminate.ts';

/**
 * A verifier for curation: checks a sample's final answer against its problem's gold (null without gold).
 * Verdicts are cached by (kind, gold, answer), since samples of one prompt often end with the same answer.
 * Defaults to a cache of 50,000 entries (cleared when full).
 */
export function createSampleVerifier(cacheSize = 50_000): (sample: Sample) => Verdict | null {
  const cache = new Map<string, Verdict>();
  return (sample) => {
    // Code problems were run against their tests when generated; that stored verdict decides.
    if (sample.problem.code) return null;
    const gold = sample.problem.gold;
    if (gold === undefined || gold.trim() === '') return null;
    const kind = sample.problem.answerKind;
    const key = `${kind}\u0000${gold}\u0000${sample.trace.answer}`;
    let verdict = cache.get(key);
    if (!verdict) {
      verdict = verifyAnswer({ gold, pred: sample.trace.answer, kind });
      if (cache.size >= cacheSize) cache.clear();
      cache.set(key, verdict);
    }
    return verdict;
  };
}

/** Verify a sample's final answer against its problem's gold (null when the problem has no gold answer). */
export function verifySample(sample: Sample): Verdict | null {
  if (sample.problem.code) return sample.verdict ?? null;
  const gold = sample.problem.gold;
  if (gold === undefined || gold.trim() === '') return null;
  return verifyAnswer({ gold, pred: sample.trace.answer, kind: sample.problem.answerKind });
}

/** The prompts of a shipped eval set (`gsm8k`, `math500`, `builtin-eval`) for decontamination. */
export async function loadEvalPrompts(name: string, signal?: AbortSignal): Promise<EvalPrompt[]> {
  const problems = await loadEvalSet(name as EvalSetName, signal ? { signal } : {});
  return problems.map((p) => ({ id: p.id, text: p.prompt }));
}
