import type { Sample } from '../core/sample.ts';
import type { Verdict } from '../core/verdict.ts';
import { type EvalSetName, loadEvalSet } from '../tasks/eval-sets.ts';
import { verifyAnswer } from '../verify/verify-answer.ts';
import type { EvalPrompt } from './decontaminate.ts';

/** Verify a sample's final answer against its problem's gold (null when the problem has no gold answer). */
export function verifySample(sample: Sample): Verdict | null {
  const gold = sample.problem.gold;
  if (gold === undefined || gold.trim() === '') return null;
  return verifyAnswer({ gold, pred: sample.trace.answer, kind: sample.problem.answerKind });
}

/** The prompts of a shipped eval set (`gsm8k`, `math500`, `builtin-eval`) for decontamination. */
export async function loadEvalPrompts(name: string, signal?: AbortSignal): Promise<EvalPrompt[]> {
  const problems = await loadEvalSet(name as EvalSetName, signal ? { signal } : {});
  return problems.map((p) => ({ id: p.id, text: p.prompt }));
}
