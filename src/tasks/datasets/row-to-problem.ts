import { z } from 'zod';
import { lastBoxed } from '../../core/boxed.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { stableId } from '../../core/hash.ts';
import type { Problem } from '../../core/problem.ts';
import { answerText } from '../family.ts';
import type { FieldMapping } from '../spec-schema.ts';
import { codeSpecOfRow } from './code-row.ts';
import { isGsm8kSolution, parseGsm8kSolution } from './gsm8k-answer.ts';

/** Fields tried, in order, when the mapping does not name one. */
export const DEFAULT_FIELDS = {
  prompt: ['prompt', 'question', 'problem', 'input', 'instruction'],
  gold: ['gold', 'answer', 'final_answer', 'target'],
  reasoning: ['reasoning', 'solution', 'rationale'],
  id: ['id', 'unique_id'],
} as const;

const RowSchema = z.record(z.string(), z.unknown());

export interface RowContext {
  /** Dataset name recorded in the source, e.g. `gsm8k`. */
  dataset: string;
  file?: string;
  licenseSpdx?: string;
  origin?: Problem['origin'];
  fields?: FieldMapping;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function pick(
  row: Record<string, unknown>,
  named: string | undefined,
  candidates: readonly string[],
): [string, string] | undefined {
  for (const key of named ? [named] : candidates) {
    const value = text(row[key]);
    if (value !== undefined && value.trim() !== '') return [key, value];
  }
  return undefined;
}

/**
 * One dataset row as a Problem. GSM8K answers (`…#### 18`) give the gold after `####` and the reference reasoning
 * before it (calculator annotations stripped); MATH rows use `answer` as gold and `solution` as reasoning (gold
 * falls back to the solution's last `\boxed{}`). Other scalar fields go to `meta`.
 */
export function rowToProblem(value: unknown, row: number, context: RowContext): Problem {
  const where = `${context.file ?? context.dataset} row ${row}`;
  const parsed = RowSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidInputError(`${where} is not a JSON object`, { hint: 'each row must be an object' });
  const record = parsed.data;
  const fields = context.fields ?? {};
  const prompt = pick(record, fields.prompt, DEFAULT_FIELDS.prompt);
  if (!prompt)
    throw new InvalidInputError(`${where} has no prompt`, {
      hint: `looked for ${fields.prompt ?? DEFAULT_FIELDS.prompt.join(', ')}; map the field with prompt=FIELD`,
    });
  const goldField = pick(record, fields.gold, DEFAULT_FIELDS.gold);
  const reasoningField = pick(record, fields.reasoning, DEFAULT_FIELDS.reasoning);
  let gold = goldField?.[1].trim();
  let reasoning = reasoningField?.[1].trim();
  if (gold !== undefined && isGsm8kSolution(gold) && reasoning === undefined) {
    ({ reasoning, gold } = parseGsm8kSolution(gold));
  } else if (gold === undefined && reasoning !== undefined) gold = lastBoxed(reasoning) ?? undefined;
  const idField = pick(record, fields.id, DEFAULT_FIELDS.id);
  const used = new Set([prompt[0], goldField?.[0], reasoningField?.[0], idField?.[0]]);
  const meta: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    if (used.has(key)) continue;
    if (typeof v === 'bigint') meta[key] = Number(v);
    else if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 200))
      meta[key] = v;
  }
  if (idField) meta.sourceId = idField[1];
  const code = codeSpecOfRow(record, where);
  if (code) gold = undefined; // code rows are checked by their tests, never by a gold string
  return {
    id: stableId('dataset', context.dataset, row, prompt[1]),
    source: {
      kind: 'dataset',
      dataset: context.dataset,
      row,
      ...(context.file ? { file: context.file } : {}),
      ...(context.licenseSpdx ? { licenseSpdx: context.licenseSpdx } : {}),
    },
    prompt: prompt[1].trim(),
    ...(gold !== undefined ? { gold } : {}),
    answerKind: 'math',
    ...(reasoning !== undefined && gold !== undefined
      ? { reference: { reasoning, answer: answerText(gold) } }
      : {}),
    origin: context.origin ?? 'human',
    ...(code ? { code } : {}),
    meta,
  };
}
