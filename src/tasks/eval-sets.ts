import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import type { Problem } from '../core/problem.ts';
import { loadProblems } from './load.ts';

/** The evaluation sets that ship with Distill. */
export const EVAL_SET_NAMES = ['gsm8k', 'math500', 'builtin-eval'] as const;
export type EvalSetName = (typeof EVAL_SET_NAMES)[number];

/** Whether a name is one of the shipped eval sets (anything else is read as a file by the callers that take both). */
export function isEvalSetName(name: string): name is EvalSetName {
  return (EVAL_SET_NAMES as readonly string[]).includes(name);
}

/** The spec of each shipped eval set. `builtin-eval` is 20 eval-split problems per family × level, seed 0. */
export const EVAL_SET_SPECS: Readonly<Record<EvalSetName, string>> = {
  gsm8k: 'gsm8k',
  math500: 'math500',
  'builtin-eval': 'builtin-eval:20:seed=0',
};

/**
 * Every problem of a shipped eval set, e.g. for decontamination or a standard evaluation: the full shipped
 * GSM8K / MATH-500 slices, or the standard built-in eval set. (Built-in training problems can never collide
 * with any eval-split problem; see `splitOfCanonical`.)
 */
export async function loadEvalSet(
  name: EvalSetName,
  options: { signal?: AbortSignal } = {},
): Promise<Problem[]> {
  const spec = EVAL_SET_SPECS[name];
  if (!spec)
    throw new InvalidInputError(`Unknown eval set '${name}'`, {
      hint: `eval sets: ${EVAL_SET_NAMES.join(', ')}`,
    });
  const problems: Problem[] = [];
  for await (const p of loadProblems(spec, options)) problems.push(p);
  return problems;
}
