import type Database from 'better-sqlite3';
import { type FailureCount, failureCounts, unresolvedFailures } from './failure-queries.ts';
import { requireRun } from './run-queries.ts';
import type { Run } from './run-record.ts';
import { prepared } from './statements.ts';

/**
 * Summary keys with a shared meaning, read by `distill runs show`. Writers (generate, eval…) set them with
 * `Store.updateRun(run, { summary })`; other keys are free.
 */
export interface KnownSummary {
  /** Samples the run was asked to produce (problems × K). */
  requested?: number;
  /** Money spent, in USD, from the price table. */
  costUsd?: number;
  /** Wall time actually spent working, summed over resumes, in milliseconds. */
  wallMs?: number;
}

/** What `distill runs show` prints: who answered, with which settings, how much, at what cost. */
export interface RunReport {
  id: string;
  name: string;
  kind: string;
  status: Run['status'];
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The process that last ran it (pid, host, last heartbeat); null when not recorded. */
  owner: { pid: number; host: string; heartbeatAt: string } | null;
  /** `provider:model` from the run config (`teacher`/`model`) or the first sample's provenance. */
  teacher: string | null;
  settings: Record<string, unknown>;
  counts: {
    requested: number | null;
    completed: number;
    /** Failed attempts by kind (`events`), and how many were final (`gaveUp`). */
    failed: Record<string, FailureCount>;
    /** Requests that gave up and still have no sample. */
    unresolved: number;
    /** Samples sharing (problem, sample index) with another: 0 by construction, measured anyway. */
    duplicates: number;
    withVerdict: number;
    correct: number;
  };
  tokens: { input: number; reasoning: number; output: number; total: number };
  costUsd: number | null;
  wallMs: number | null;
  summary: Record<string, unknown>;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function teacherOf(db: Database.Database, run: Run): string | null {
  for (const key of ['teacher', 'model']) {
    const value = run.config[key];
    if (typeof value === 'string' && value) return value;
  }
  const first = prepared<[string], { provider: string | null; model: string | null }>(
    db,
    `SELECT json_extract(provenance, '$.teacher.provider') AS provider,
            json_extract(provenance, '$.teacher.modelId') AS model
     FROM samples WHERE run_id = ? ORDER BY seq LIMIT 1`,
  ).get(run.id);
  return first?.provider && first.model ? `${first.provider}:${first.model}` : null;
}

export function runReport(db: Database.Database, idOrName: string): RunReport {
  const run = requireRun(db, idOrName);
  const totals = prepared<
    [string],
    {
      completed: number;
      distinct_keys: number;
      with_verdict: number;
      correct: number;
      input: number;
      reasoning: number;
      output: number;
    }
  >(
    db,
    `SELECT count(*) AS completed, count(DISTINCT problem_id || char(0) || sample_idx) AS distinct_keys,
            count(verdict) AS with_verdict, coalesce(sum(correct), 0) AS correct,
            coalesce(sum(input_tokens), 0) AS input, coalesce(sum(reasoning_tokens), 0) AS reasoning,
            coalesce(sum(output_tokens), 0) AS output
     FROM samples WHERE run_id = ?`,
  ).get(run.id)!;
  const summary = run.summary as Record<string, unknown> & KnownSummary;
  const end = run.finishedAt ?? (run.status === 'running' ? new Date().toISOString() : run.updatedAt);
  const elapsed = Date.parse(end) - Date.parse(run.createdAt);
  return {
    id: run.id,
    name: run.name,
    kind: run.kind,
    status: run.status,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
    owner: run.owner ?? null,
    teacher: teacherOf(db, run),
    settings: run.config,
    counts: {
      requested: num(summary.requested) ?? num(run.config.requested),
      completed: totals.completed,
      failed: failureCounts(db, run.id),
      unresolved: unresolvedFailures(db, run.id),
      duplicates: totals.completed - totals.distinct_keys,
      withVerdict: totals.with_verdict,
      correct: totals.correct,
    },
    tokens: {
      input: totals.input,
      reasoning: totals.reasoning,
      output: totals.output,
      total: totals.input + totals.reasoning + totals.output,
    },
    costUsd: num(summary.costUsd),
    wallMs: num(summary.wallMs) ?? (Number.isFinite(elapsed) ? elapsed : null),
    summary: run.summary,
  };
}
