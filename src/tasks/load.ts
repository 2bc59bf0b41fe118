import { basename, extname } from 'node:path';
import { AbortedError } from '../core/errors/aborted-error.ts';
import type { Problem } from '../core/problem.ts';
import { readHumanEval } from './datasets/humaneval.ts';
import { readJsonlRows } from './datasets/jsonl-rows.ts';
import { readParquetRows } from './datasets/parquet-rows.ts';
import { rowToProblem } from './datasets/row-to-problem.ts';
import { SHIPPED_DATASETS } from './datasets/shipped.ts';
import { generateBuiltin } from './generate.ts';
import { BUILTIN_EVAL_FAMILIES } from './registry.ts';
import { toTaskSpec } from './spec.ts';
import type { TaskSpec, TaskSpecEntry } from './spec-schema.ts';

export interface LoadProblemsOptions {
  /** Seed for built-in entries that do not set `seed=`. Defaults to 0. */
  seed?: number;
  /** Stops the stream with an AbortedError. */
  signal?: AbortSignal;
}

/** How often (in problems) a built-in stream checks the abort signal. */
const ABORT_CHECK_EVERY = 256;

async function* loadEntry(entry: TaskSpecEntry, options: LoadProblemsOptions): AsyncGenerator<Problem> {
  const { signal } = options;
  switch (entry.kind) {
    case 'builtin': {
      let n = 0;
      for (const p of generateBuiltin({ ...entry, seed: entry.seed ?? options.seed ?? 0 })) {
        if (++n % ABORT_CHECK_EVERY === 0 && signal?.aborted)
          throw new AbortedError('Generating problems was interrupted');
        yield p;
      }
      return;
    }
    case 'builtin-eval': {
      for (const family of BUILTIN_EVAL_FAMILIES)
        for (let level = 1; level <= family.levels; level++) {
          if (signal?.aborted) throw new AbortedError('Generating problems was interrupted');
          const seed = entry.seed ?? options.seed ?? 0;
          yield* generateBuiltin({ family: family.name, count: entry.perLevel, split: 'eval', level, seed });
        }
      return;
    }
    case 'shipped': {
      const shipped = SHIPPED_DATASETS[entry.dataset];
      const path = entry.file ?? shipped.path;
      if (entry.dataset === 'humaneval') {
        yield* readHumanEval(path, { ...entry, ...(signal ? { signal } : {}) });
        return;
      }
      const context = {
        dataset: entry.dataset,
        ...(entry.file ? { file: entry.file } : {}),
        licenseSpdx: shipped.licenseSpdx,
        origin: 'benchmark-derived' as const,
      };
      for await (const { row, value } of readJsonlRows(path, { ...entry, signal }))
        yield rowToProblem(value, row, context);
      return;
    }
    case 'file': {
      const read = entry.format === 'jsonl' ? readJsonlRows : readParquetRows;
      const dataset = entry.name ?? basename(entry.path, extname(entry.path));
      const context = { dataset, file: entry.path, fields: entry.fields };
      for await (const { row, value } of read(entry.path, { ...entry, signal }))
        yield rowToProblem(value, row, context);
      return;
    }
  }
}

/**
 * Stream the problems a task spec names, entry by entry, without holding them in memory.
 * `spec` is spec text (`add:2000:train,gsm8k:50`), parsed entries, or a parsed spec.
 */
export async function* loadProblems(
  spec: string | TaskSpec | readonly unknown[],
  options: LoadProblemsOptions = {},
): AsyncGenerator<Problem> {
  const parsed = toTaskSpec(spec);
  for (const entry of parsed.entries) yield* loadEntry(entry, options);
}

/**
 * How many problems a spec yields, when known without reading files (built-in entries, counted dataset entries
 * and the shipped slices); undefined when a file entry has no count.
 */
export function specSize(spec: string | TaskSpec | readonly unknown[]): number | undefined {
  let total = 0;
  for (const entry of toTaskSpec(spec).entries) {
    if (entry.kind === 'builtin') total += entry.count;
    else if (entry.kind === 'builtin-eval')
      total += entry.perLevel * BUILTIN_EVAL_FAMILIES.reduce((sum, f) => sum + f.levels, 0);
    else if (entry.kind === 'shipped' && !entry.file)
      total += Math.min(
        entry.count ?? Number.POSITIVE_INFINITY,
        Math.max(0, SHIPPED_DATASETS[entry.dataset].rows - (entry.offset ?? 0)),
      );
    else if (entry.count !== undefined) total += entry.count;
    else return undefined;
  }
  return total;
}
