import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { EVAL_SET_NAMES, isEvalSetName } from '../tasks/eval-sets.ts';
import type { EvalPrompt, EvalSet } from './decontaminate.ts';

/** Loads a named eval set's prompts (one of the tasks layer's `EVAL_SET_NAMES`). */
export type NamedEvalSetLoader = (name: string) => Promise<EvalPrompt[]> | EvalPrompt[];

const JsonlRowSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    prompt: z.string().optional(),
    problem: z.string().optional(),
    question: z.string().optional(),
    text: z.string().optional(),
    messages: z.array(z.object({ role: z.string(), content: z.string() })).optional(),
  })
  .loose();

/** Read a JSONL eval file: each row's `prompt`, `problem`, `question`, `text` or first user message. */
export function readEvalJsonl(file: string): EvalSet {
  if (!existsSync(file))
    throw new NotFoundError('eval set', `No eval set named or file at '${file}'`, {
      hint: `use ${EVAL_SET_NAMES.join(', ')} or the path of a JSONL file with a "prompt" field per row`,
    });
  const prompts: EvalPrompt[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (cause) {
      throw new InvalidInputError(`${file}:${i + 1} is not valid JSON`, {
        cause,
        hint: 'one JSON object per line',
      });
    }
    const row = JsonlRowSchema.safeParse(parsed);
    const r = row.success ? row.data : undefined;
    const text =
      r?.prompt ??
      r?.problem ??
      r?.question ??
      r?.text ??
      r?.messages?.find((m) => m.role === 'user')?.content;
    if (text === undefined)
      throw new InvalidInputError(`${file}:${i + 1} has no prompt`, {
        hint: 'give each row a "prompt", "problem", "question" or "text" string, or "messages" with a user turn',
      });
    prompts.push({ id: r?.id !== undefined ? String(r.id) : String(i), text });
  });
  return { name: basename(file), prompts };
}

/** Resolve `--decontaminate` entries: built-in names through `loadNamed`, anything else as a JSONL file. */
export async function resolveEvalSets(
  entries: readonly string[],
  loadNamed: NamedEvalSetLoader,
): Promise<EvalSet[]> {
  const sets: EvalSet[] = [];
  for (const entry of entries) {
    if (isEvalSetName(entry)) sets.push({ name: entry, prompts: await loadNamed(entry) });
    else sets.push(readEvalJsonl(entry));
  }
  return sets;
}
