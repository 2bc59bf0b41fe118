import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import { getTrainRun } from '../store/train-queries.ts';
import { HttpError } from './openai-error.ts';

/** Query of `GET /api/runs/:id/metrics`: lines of metrics.jsonl already read (the previous answer's `next`). */
export const MetricsQuerySchema = z.object({
  from: z.coerce.number().int().min(0).max(100_000_000).default(0),
});

/** The curves of a train run, as column arrays (what a chart library takes). Only numbers leave the file. */
export interface StudioMetrics {
  object: 'distill.metrics';
  runId: string;
  status: string;
  /** False while the worker has not written the file yet. */
  exists: boolean;
  totalSteps: number | null;
  steps: { step: number[]; loss: number[]; lr: number[]; tokensPerS: number[]; t: number[] };
  evals: { step: number[]; evalLoss: number[] };
  /** Pass as `from` to get only the lines written since. */
  next: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Parse the complete lines of a metrics.jsonl from line `from` on (a half-written last line waits). */
export function parseMetrics(
  text: string,
  from: number,
): Pick<StudioMetrics, 'steps' | 'evals' | 'next'> & {
  totalSteps: number | null;
} {
  const steps: StudioMetrics['steps'] = { step: [], loss: [], lr: [], tokensPerS: [], t: [] };
  const evals: StudioMetrics['evals'] = { step: [], evalLoss: [] };
  const lines = text.split('\n');
  lines.pop(); // the text after the last newline is not a whole line yet
  let totalSteps: number | null = null;
  for (let i = from; i < lines.length; i++) {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(lines[i]!) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (event === null || typeof event !== 'object') continue;
    const total = num(event.totalSteps);
    if (total !== null) totalSteps = total;
    const step = num(event.step);
    if (event.type === 'step' && step !== null) {
      steps.step.push(step);
      steps.loss.push(num(event.loss) ?? Number.NaN);
      steps.lr.push(num(event.lr) ?? Number.NaN);
      steps.tokensPerS.push(num(event.tokensPerS) ?? Number.NaN);
      steps.t.push(num(event.t) ?? Number.NaN);
    } else if (event.type === 'eval' && step !== null && num(event.evalLoss) !== null) {
      evals.step.push(step);
      evals.evalLoss.push(num(event.evalLoss)!);
    }
  }
  return { steps, evals, totalSteps, next: Math.max(from, lines.length) };
}

/**
 * A train run's metrics, read from `<run folder>/metrics.jsonl` where the run folder is the one `distill train`
 * recorded in the store: the request names a run, never a path.
 */
export function studioMetrics(store: Store, idOrName: string, from: number): StudioMetrics {
  const run = store.getRun(idOrName);
  const train = run ? getTrainRun(store.db, run.id) : undefined;
  if (!run || !train)
    throw new HttpError(404, `No train run '${idOrName}' in the store`, {
      param: 'id',
      code: 'run_not_found',
    });
  let text: string | undefined;
  try {
    text = readFileSync(join(train.runDir, 'metrics.jsonl'), 'utf8');
  } catch {
    text = undefined;
  }
  const parsed = parseMetrics(text ?? '', from);
  return {
    object: 'distill.metrics',
    runId: run.id,
    status: run.status,
    exists: text !== undefined,
    ...parsed,
    totalSteps: parsed.totalSteps ?? train.totalSteps,
  };
}
