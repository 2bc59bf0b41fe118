import type { Sample } from '../core/sample.ts';
import type { Verdict } from '../core/verdict.ts';
import { type EvalSetName, loadEvalSet } from '../tasks/eval-sets.ts';
import { type VerifyInput, verifyAnswer } from '../verify/verify-answer.ts';
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

/** Checks many (gold, pred) pairs at once, verdicts in input order (e.g. a Math-Verify worker pool). */
export type CheckMany = (inputs: VerifyInput[]) => Promise<Verdict[]>;

/**
 * A batch verifier for curation built on an asynchronous checker (`--verifier math-verify`): one verdict
 * per sample (null without gold), with the same (kind, gold, answer) cache as {@link createSampleVerifier}.
 */
export function createBatchSampleVerifier(
  checkMany: CheckMany,
  cacheSize = 50_000,
): (samples: readonly Sample[]) => Promise<(Verdict | null)[]> {
  const cache = new Map<string, Verdict>();
  const keyOf = (s: Sample) => `${s.problem.answerKind}\u0000${s.problem.gold}\u0000${s.trace.answer}`;
  return async (samples) => {
    const todo = new Map<string, VerifyInput>();
    for (const s of samples) {
      const gold = s.problem.gold;
      if (gold === undefined || gold.trim() === '' || cache.has(keyOf(s))) continue;
      todo.set(keyOf(s), { gold, pred: s.trace.answer, kind: s.problem.answerKind });
    }
    const keys = [...todo.keys()];
    const verdicts = await checkMany([...todo.values()]);
    if (cache.size + keys.length > cacheSize) cache.clear();
    keys.forEach((k, i) => {
      const v = verdicts[i];
      if (v) cache.set(k, v);
    });
    return samples.map((s) => (s.problem.gold?.trim() ? (cache.get(keyOf(s)) ?? null) : null));
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
