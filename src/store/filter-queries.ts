import type Database from 'better-sqlite3';
import { type FilterResult, FilterResultSchema } from '../core/sample.ts';
import { validate } from '../core/validate.ts';
import { now, prepared, writeTransaction } from './statements.ts';

/** Insert or replace one filter result: a filter re-run on a sample replaces its earlier result. */
export const UPSERT_FILTER_RESULT = `INSERT INTO filter_results (sample_id, name, version, params, passed, matches, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sample_id, name) DO UPDATE SET version = excluded.version, params = excluded.params,
       passed = excluded.passed, matches = excluded.matches, created_at = excluded.created_at`;

/** One filter's result on one sample (see `Store.saveFilterResults`). */
export type FilterResultInput = FilterResult & { sampleId: string };

/** Write filter rows in the caller's transaction; a filter re-run on a sample replaces its earlier result. */
export function saveFilterRows(db: Database.Database, rows: readonly FilterResultInput[]): number {
  const upsert = prepared(db, UPSERT_FILTER_RESULT);
  const at = now();
  let written = 0;
  for (const row of rows) {
    const f = validate(FilterResultSchema, row, `filter result ${row.name} of sample ${row.sampleId}`);
    written += upsert.run(
      row.sampleId,
      f.name,
      f.version,
      JSON.stringify(f.params),
      f.passed ? 1 : 0,
      JSON.stringify(f.matches),
      at,
    ).changes;
  }
  return written;
}

/** Save filter results in one transaction. Returns how many rows were written. */
export function saveFilterResults(db: Database.Database, rows: readonly FilterResultInput[]): number {
  return writeTransaction(db, () => saveFilterRows(db, rows));
}

/** How many samples of the run each filter passed and rejected. */
export function filterCounts(
  db: Database.Database,
  runId: string,
): Record<string, { passed: number; rejected: number }> {
  const rows = prepared<[string], { name: string; passed: number; rejected: number }>(
    db,
    `SELECT f.name, sum(f.passed) AS passed, sum(1 - f.passed) AS rejected
     FROM filter_results f JOIN samples s ON s.id = f.sample_id WHERE s.run_id = ? GROUP BY f.name`,
  ).all(runId);
  return Object.fromEntries(rows.map((r) => [r.name, { passed: r.passed, rejected: r.rejected }]));
}
