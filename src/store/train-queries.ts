import type Database from 'better-sqlite3';
import { ensureRun, updateRun } from './run-queries.ts';
import type { Run, RunStatus } from './run-record.ts';
import { now, prepared, writeTransaction } from './statements.ts';

/** A train run's files and progress as `distill train` records them (migration 050). */
export interface TrainRunRecord {
  runId: string;
  /** The output GGUF (absolute). */
  outPath: string;
  /** The run folder holding `metrics.jsonl` (absolute). */
  runDir: string;
  steps: number;
  totalSteps: number | null;
  loss: number | null;
  evalLoss: number | null;
  wallMs: number | null;
  updatedAt: string;
}

interface TrainRunRow {
  run_id: string;
  out_path: string;
  run_dir: string;
  steps: number;
  total_steps: number | null;
  loss: number | null;
  eval_loss: number | null;
  wall_ms: number | null;
  updated_at: string;
}

function hasTrainRuns(db: Database.Database): boolean {
  return (
    prepared(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'train_runs'").get() !==
    undefined
  );
}

/**
 * Start (or resume) the train run named after its output file: a `runs` row of kind `train`, set `running` by
 * this process, and its `train_runs` row with the output and run folder. Settings go in the run config.
 */
export function startTrainRun(
  db: Database.Database,
  input: { name: string; outPath: string; runDir: string; config: Record<string, unknown> },
): Run {
  return writeTransaction(db, () => {
    const { run } = ensureRun(db, { name: input.name, kind: 'train', config: input.config });
    const started = updateRun(db, run.id, { status: 'running', config: input.config });
    prepared(
      db,
      `INSERT INTO train_runs (run_id, out_path, run_dir, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET out_path = excluded.out_path, run_dir = excluded.run_dir,
         updated_at = excluded.updated_at`,
    ).run(run.id, input.outPath, input.runDir, now());
    return started;
  });
}

/** Record progress (steps done, losses, wall time); `status` ends the run (`completed`, `failed`…). */
export function updateTrainRun(
  db: Database.Database,
  runId: string,
  progress: {
    steps?: number;
    totalSteps?: number;
    loss?: number | null;
    evalLoss?: number | null;
    wallMs?: number;
    status?: RunStatus;
  },
): void {
  writeTransaction(db, () => {
    prepared(
      db,
      `UPDATE train_runs SET steps = coalesce(?, steps), total_steps = coalesce(?, total_steps),
         loss = coalesce(?, loss), eval_loss = coalesce(?, eval_loss), wall_ms = coalesce(?, wall_ms), updated_at = ?
       WHERE run_id = ?`,
    ).run(
      progress.steps ?? null,
      progress.totalSteps ?? null,
      progress.loss ?? null,
      progress.evalLoss ?? null,
      progress.wallMs ?? null,
      now(),
      runId,
    );
    updateRun(db, runId, {
      ...(progress.status ? { status: progress.status } : {}),
      summary: {
        steps: progress.steps,
        totalSteps: progress.totalSteps,
        loss: progress.loss ?? undefined,
        evalLoss: progress.evalLoss ?? undefined,
        wallMs: progress.wallMs,
      },
    });
  });
}

/** The train record of a run, or undefined (not a train run, or a store older than migration 050). */
export function getTrainRun(db: Database.Database, runId: string): TrainRunRecord | undefined {
  if (!hasTrainRuns(db)) return undefined;
  const row = prepared<[string], TrainRunRow>(db, 'SELECT * FROM train_runs WHERE run_id = ?').get(runId);
  if (!row) return undefined;
  return {
    runId: row.run_id,
    outPath: row.out_path,
    runDir: row.run_dir,
    steps: row.steps,
    totalSteps: row.total_steps,
    loss: row.loss,
    evalLoss: row.eval_loss,
    wallMs: row.wall_ms,
    updatedAt: row.updated_at,
  };
}
