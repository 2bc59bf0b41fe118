import { fileURLToPath } from 'node:url';

/** The dataset slices shipped with Distill: the one list that task specs, their schema and loaders use. */
export const SHIPPED_DATASET_NAMES = ['gsm8k', 'math500', 'humaneval'] as const;
export type ShippedDatasetName = (typeof SHIPPED_DATASET_NAMES)[number];

/** A real dataset slice shipped with Distill (see `src/tasks/fixtures/README.md`). */
export interface ShippedDataset {
  name: ShippedDatasetName;
  /** Absolute path of the shipped JSONL slice. */
  path: string;
  /** Absolute path of its licence file. */
  licensePath: string;
  licenseSpdx: string;
  rows: number;
  description: string;
}

const fixture = (rel: string): string => fileURLToPath(new URL(`../fixtures/${rel}`, import.meta.url));

export const SHIPPED_DATASETS: Readonly<Record<ShippedDataset['name'], ShippedDataset>> = {
  gsm8k: {
    name: 'gsm8k',
    path: fixture('gsm8k/test-50.jsonl'),
    licensePath: fixture('gsm8k/LICENSE'),
    licenseSpdx: 'MIT',
    rows: 50,
    description: 'GSM8K test split, first 50 rows (grade-school word problems, `#### answer`)',
  },
  math500: {
    name: 'math500',
    path: fixture('math500/test-50.jsonl'),
    licensePath: fixture('math500/LICENSE'),
    licenseSpdx: 'MIT',
    rows: 50,
    description: 'MATH-500 test subset, first 50 rows (competition math, LaTeX answers)',
  },
  humaneval: {
    name: 'humaneval',
    path: fixture('humaneval/HumanEval.jsonl.gz'),
    licensePath: fixture('humaneval/LICENSE'),
    licenseSpdx: 'MIT',
    rows: 164,
    description: 'HumanEval, all 164 problems (Python functions checked by unit tests in the code sandbox)',
  },
};
