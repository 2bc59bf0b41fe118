import type { Problem } from '../core/problem.ts';
import { generateBuiltin } from './generate.ts';
import { loadProblems } from './load.ts';
import { FAMILIES, getFamily } from './registry.ts';
import type { TaskSpecEntryInput } from './spec-schema.ts';
import type { Split } from './split.ts';

export interface SampleOptions {
  /** Defaults to 5. */
  n?: number;
  /** Defaults to `eval`. Ignored for datasets. */
  split?: Split;
  /** Defaults to a mix of all levels. */
  level?: number;
  /** Defaults to 0. */
  seed?: number;
  signal?: AbortSignal;
}

/** A few problems of one family (`add`) or shipped dataset (`gsm8k`, `math500`), for a look at what they are like. */
export async function sampleProblems(name: string, options: SampleOptions = {}): Promise<Problem[]> {
  const n = options.n ?? 5;
  const entry: TaskSpecEntryInput =
    name === 'gsm8k' || name === 'math500'
      ? { kind: 'shipped', dataset: name, count: n }
      : {
          kind: 'builtin',
          family: getFamily(name).name,
          count: n,
          split: options.split ?? 'eval',
          ...(options.level !== undefined ? { level: options.level } : {}),
        };
  const problems: Problem[] = [];
  const loadOptions = { seed: options.seed ?? 0, ...(options.signal ? { signal: options.signal } : {}) };
  for await (const p of loadProblems([entry], loadOptions)) problems.push(p);
  return problems;
}

/** What `distill tasks list` shows for one family. */
export interface FamilyInfo {
  name: string;
  description: string;
  levels: number;
  levelNotes: readonly string[];
  answerKind: 'math' | 'exact';
  example: { prompt: string; reasoning: string; answer: string; gold: string };
}

/** Every built-in family with a level-1 eval example (seed 0). */
export function describeFamilies(): FamilyInfo[] {
  return FAMILIES.map((f) => {
    const [p] = [...generateBuiltin({ family: f.name, count: 1, split: 'eval', level: 1, seed: 0 })];
    return {
      name: f.name,
      description: f.description,
      levels: f.levels,
      levelNotes: f.levelNotes,
      answerKind: f.answerKind,
      example: {
        prompt: p?.prompt ?? '',
        reasoning: p?.reference?.reasoning ?? '',
        answer: p?.reference?.answer ?? '',
        gold: p?.gold ?? '',
      },
    };
  });
}
