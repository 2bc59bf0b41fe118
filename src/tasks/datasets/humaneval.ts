import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { AbortedError } from '../../core/errors/aborted-error.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { stableId } from '../../core/hash.ts';
import type { Problem } from '../../core/problem.ts';

/** One row of OpenAI's HumanEval.jsonl(.gz). */
export const HumanEvalRowSchema = z.object({
  task_id: z.string().min(1),
  prompt: z.string().min(1),
  canonical_solution: z.string(),
  test: z.string().min(1),
  entry_point: z.string().min(1),
});
export type HumanEvalRow = z.infer<typeof HumanEvalRowSchema>;

/** The import lines of a HumanEval prompt, run before the model's program so a missing import is not a failure. */
export function promptImports(prompt: string): string {
  return prompt
    .split('\n')
    .filter((l) => /^(import |from \S+ import )/.test(l))
    .join('\n');
}

/** The question put to the model: complete the function, reply with the whole function in a Python block. */
export function humanEvalPrompt(row: HumanEvalRow): string {
  return [
    `Complete the Python function \`${row.entry_point}\` below. Reply with the complete function (signature, body and any imports or helpers it needs) in one \`\`\`python code block.`,
    '',
    '```python',
    row.prompt.trimEnd(),
    '```',
  ].join('\n');
}

/** A HumanEval row as a code problem: tests are its `check(candidate)`, the reference is the canonical solution. */
export function humanEvalProblem(row: HumanEvalRow, index: number, file?: string): Problem {
  const program = `${row.prompt}${row.canonical_solution}`;
  return {
    id: stableId('dataset', 'humaneval', index, row.prompt),
    source: {
      kind: 'dataset',
      dataset: 'humaneval',
      row: index,
      ...(file ? { file } : {}),
      licenseSpdx: 'MIT',
    },
    prompt: humanEvalPrompt(row),
    answerKind: 'exact',
    reference: { reasoning: '', answer: `\`\`\`python\n${program.trimEnd()}\n\`\`\`` },
    code: {
      language: 'python',
      entryPoint: row.entry_point,
      prelude: promptImports(row.prompt),
      check: row.test,
      asserts: [],
      io: [],
      timeLimitMs: 10_000,
      memoryMb: 512,
    },
    origin: 'benchmark-derived',
    meta: { sourceId: row.task_id },
  };
}

/** Reads HumanEval rows from a `.jsonl` or `.jsonl.gz` file, with an optional offset and count. */
export function* readHumanEval(
  path: string,
  options: { count?: number; offset?: number; signal?: AbortSignal; file?: string } = {},
): Generator<Problem> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new NotFoundError('dataset file', `HumanEval file not found: ${path}`);
  }
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const start = options.offset ?? 0;
  const end = Math.min(lines.length, start + (options.count ?? Number.POSITIVE_INFINITY));
  for (let i = start; i < end; i++) {
    if (options.signal?.aborted) throw new AbortedError('Loading problems was interrupted');
    let json: unknown;
    try {
      json = JSON.parse(lines[i] ?? '');
    } catch {
      throw new InvalidInputError(`${path} line ${i + 1} is not JSON`);
    }
    const row = HumanEvalRowSchema.safeParse(json);
    if (!row.success)
      throw new InvalidInputError(
        `${path} line ${i + 1} is not a HumanEval row: ${row.error.issues[0]?.message}`,
        {
          hint: 'rows need task_id, prompt, canonical_solution, test, entry_point',
        },
      );
    yield humanEvalProblem(row.data, i, options.file);
  }
}
