/** `GET /api/runs/:id/metrics`: a train run's curves (from the metrics.jsonl of its recorded run folder). */
import { getJson } from './studio-api.ts';

export interface TrainMetrics {
  runId: string;
  status: string;
  exists: boolean;
  totalSteps: number | null;
  /** Column arrays; a missing value is null. */
  steps: {
    step: number[];
    loss: (number | null)[];
    lr: (number | null)[];
    tokensPerS: (number | null)[];
    t: (number | null)[];
  };
  evals: { step: number[]; evalLoss: number[] };
  /** Pass back as `from` to get only newer lines. */
  next: number;
}

export function getMetrics(runId: string, from: number): Promise<TrainMetrics> {
  return getJson<TrainMetrics>(`./api/runs/${encodeURIComponent(runId)}/metrics?from=${from}`);
}
