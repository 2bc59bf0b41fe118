import type { RunStatus } from '../../store/run-record.ts';
import type { Store } from '../../store/store.ts';
import { startTrainRun, updateTrainRun } from '../../store/train-queries.ts';
import type { WorkerEvent } from '../../train/worker-events.ts';
import { openStoreFromArgs } from './_store.ts';

/** How `distill train` keeps its run row in the store up to date. */
export interface TrainRecorder {
  runId: string;
  /** Feed every worker event: steps and losses are written at most every `everyMs`. */
  onEvent: (event: WorkerEvent) => void;
  /** End the run (`completed`, `failed`, `interrupted`) and close the store. */
  finish: (
    status: RunStatus,
    result?: { steps: number; loss: number | null; evalLoss: number | null },
  ) => void;
}

const HEARTBEAT_MS = 5000;

/**
 * Record a train run in the store (`--store` / `DISTILL_STORE` / the default store, as every command): a run of
 * kind `train` named after the absolute output path, its run folder (where the Studio reads `metrics.jsonl`), its
 * status with a heartbeat while it trains, steps, losses and wall time.
 */
export function recordTrainRun(
  args: { store?: string | undefined },
  input: { out: string; runDir: string; config: Record<string, unknown> },
  everyMs = 2000,
): TrainRecorder {
  const store: Store = openStoreFromArgs(args);
  const run = startTrainRun(store.db, {
    name: input.out,
    outPath: input.out,
    runDir: input.runDir,
    config: input.config,
  });
  const previousWallMs = typeof run.summary.wallMs === 'number' ? run.summary.wallMs : 0;
  const started = Date.now();
  const progress: { steps?: number; totalSteps?: number; loss?: number; evalLoss?: number } = {};
  let lastWrite = 0;
  let open = true;
  const write = (status?: RunStatus): void => {
    if (!open) return;
    lastWrite = Date.now();
    updateTrainRun(store.db, run.id, {
      ...progress,
      wallMs: previousWallMs + (Date.now() - started),
      ...(status ? { status } : {}),
    });
  };
  const heartbeat = setInterval(() => {
    try {
      store.heartbeat(run.id);
    } catch {
      // A busy store: the next beat retries; readers allow 60 s.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    runId: run.id,
    onEvent: (e) => {
      if (e.type === 'start' && typeof e.totalSteps === 'number') progress.totalSteps = e.totalSteps;
      if (e.type === 'step') {
        if (typeof e.step === 'number') progress.steps = e.step;
        if (typeof e.loss === 'number') progress.loss = e.loss;
        if (typeof e.totalSteps === 'number') progress.totalSteps = e.totalSteps;
      }
      if (e.type === 'eval' && typeof e.evalLoss === 'number') progress.evalLoss = e.evalLoss;
      if (Date.now() - lastWrite >= everyMs) {
        try {
          write();
        } catch {
          // Progress is best effort while training; the final write reports a real failure.
        }
      }
    },
    finish: (status, result) => {
      clearInterval(heartbeat);
      if (!open) return;
      if (result) {
        progress.steps = result.steps;
        if (result.loss !== null) progress.loss = result.loss;
        if (result.evalLoss !== null) progress.evalLoss = result.evalLoss;
      }
      try {
        write(status);
      } finally {
        open = false;
        store.close();
      }
    },
  };
}
