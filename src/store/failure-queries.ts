import type Database from 'better-sqlite3';
import { z } from 'zod';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { validate } from '../core/validate.ts';
import { readJson } from './json-column.ts';
import { now, prepared } from './statements.ts';

/**
 * One failed attempt of a request. `retried` = it will be tried again; `gave-up` = retries are exhausted or the
 * fault is permanent. A request that later succeeds keeps its failure rows (they are the fault log).
 */
export const FailureInputSchema = z.object({
  runId: z.string().min(1),
  /** The deterministic request key; for one sample, use its sample key so a later success resolves it. */
  requestKey: z.string().min(1),
  /** E.g. `rate-limit`, `server`, `timeout`, `truncated`, `invalid-json`, `empty`, `network`, `cost-limit`. */
  kind: z.string().min(1),
  message: z.string(),
  /** 1-based attempt number. */
  attempt: z.number().int().min(1),
  status: z.enum(['retried', 'gave-up']),
  httpStatus: z.number().int().optional(),
  /** Extra structured facts (retry-after seconds, bytes received…). Never API keys. */
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type FailureInput = z.input<typeof FailureInputSchema>;
export type Failure = z.output<typeof FailureInputSchema> & { id: number; at: string };

/** Per failure kind: attempts that failed, and how many of those were final. */
export interface FailureCount {
  events: number;
  retried: number;
  gaveUp: number;
}

interface FailureRow {
  id: number;
  run_id: string;
  request_key: string;
  kind: string;
  message: string;
  attempt: number;
  status: 'retried' | 'gave-up';
  http_status: number | null;
  detail: string | null;
  at: string;
}

const Detail = z.record(z.string(), z.unknown());

/** Record one failed attempt (its own small transaction). Returns the failure's id. */
export function recordFailure(db: Database.Database, input: FailureInput): number {
  const f = validate(FailureInputSchema, input, 'failure');
  try {
    const result = prepared(
      db,
      `INSERT INTO failures (run_id, request_key, kind, message, attempt, status, http_status, detail, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      f.runId,
      f.requestKey,
      f.kind,
      f.message,
      f.attempt,
      f.status,
      f.httpStatus ?? null,
      f.detail ? JSON.stringify(f.detail) : null,
      now(),
    );
    return Number(result.lastInsertRowid);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new NotFoundError('run', `Run '${f.runId}' is not in the store`, { cause: error });
    }
    throw error;
  }
}

/** Failure counts of a run by kind. */
export function failureCounts(db: Database.Database, runId: string): Record<string, FailureCount> {
  const rows = prepared<[string], { kind: string; events: number; retried: number; gave_up: number }>(
    db,
    `SELECT kind, count(*) AS events, sum(status = 'retried') AS retried, sum(status = 'gave-up') AS gave_up
     FROM failures WHERE run_id = ? GROUP BY kind ORDER BY kind`,
  ).all(runId);
  return Object.fromEntries(
    rows.map((r) => [r.kind, { events: r.events, retried: r.retried, gaveUp: r.gave_up }]),
  );
}

/** Requests that gave up and have no stored sample with the same key: what is still missing. */
export function unresolvedFailures(db: Database.Database, runId: string): number {
  return prepared(
    db,
    `SELECT count(DISTINCT request_key) FROM failures f
     WHERE f.run_id = ? AND f.status = 'gave-up' AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.id = f.request_key)`,
  )
    .pluck()
    .get(runId) as number;
}

/** The run's failure log, oldest first. Defaults to at most 1,000 rows. */
export function listFailures(db: Database.Database, runId: string, limit = 1000): Failure[] {
  const rows = prepared<[string, number], FailureRow>(
    db,
    'SELECT * FROM failures WHERE run_id = ? ORDER BY id LIMIT ?',
  ).all(runId, limit);
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    requestKey: r.request_key,
    kind: r.kind,
    message: r.message,
    attempt: r.attempt,
    status: r.status,
    ...(r.http_status === null ? {} : { httpStatus: r.http_status }),
    ...(r.detail === null ? {} : { detail: readJson(r.detail, Detail, `failure ${r.id} detail`) }),
    at: r.at,
  }));
}
