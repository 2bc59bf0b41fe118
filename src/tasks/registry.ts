import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { addFamily } from './families/add.ts';
import { codeFamily } from './families/code.ts';
import { exprFamily } from './families/expr.ts';
import { lettersFamily } from './families/letters.ts';
import { multiplyFamily } from './families/multiply.ts';
import { reverseFamily } from './families/reverse.ts';
import { sortFamily } from './families/sort.ts';
import { wordFamily } from './families/word.ts';
import type { TaskFamily } from './family.ts';

/** Every built-in task family, in the order `distill tasks list` shows them. */
export const FAMILIES: readonly TaskFamily[] = [
  addFamily,
  multiplyFamily,
  exprFamily,
  wordFamily,
  lettersFamily,
  reverseFamily,
  sortFamily,
  codeFamily,
];

/** The families of the standard `builtin-eval` set (the code family is evaluated on its own: `code:N:eval`). */
export const BUILTIN_EVAL_FAMILIES: readonly TaskFamily[] = FAMILIES.filter((f) => f !== codeFamily);

const byName = new Map(FAMILIES.map((f) => [f.name, f]));

/** Names of every built-in family. */
export function familyNames(): string[] {
  return FAMILIES.map((f) => f.name);
}

/** The family called `name`, or an InvalidInputError listing the valid names. */
export function getFamily(name: string): TaskFamily {
  const family = byName.get(name);
  if (!family)
    throw new InvalidInputError(`Unknown task family '${name}'`, {
      hint: `valid families: ${familyNames().join(', ')} (or datasets: gsm8k, math500, jsonl:PATH, parquet:PATH)`,
      field: 'family',
    });
  return family;
}
