import type Database from 'better-sqlite3';
import type { FilterResult } from '../core/sample.ts';
import { UPSERT_FILTER_RESULT } from './filter-queries.ts';
import { now, prepared } from './statements.ts';

/** One sample's curation decision (see `saveCuration`). */
export interface CurationDecisionRow {
  sampleId: string;
  kept: boolean;
  /** First failed check; null when kept. */
  reason: string | null;
  detail: Record<string, unknown>;
}

/** The stored curation of a run. */
export interface StoredCuration {
  runId: string;
  options: Record<string, unknown>;
  summary: Record<string, unknown>;
  curatedAt: string;
}

/**
 * Delete the run's earlier curation (decisions and the named check results) so a re-run starts clean.
 * Runs in the caller's transaction.
 */
export function clearCuration(db: Database.Database, runId: string, checkNames: readonly string[]): void {
  prepared(db, 'DELETE FROM curation_decisions WHERE run_id = ?').run(runId);
  prepared(db, 'DELETE FROM curations WHERE run_id = ?').run(runId);
  prepared(
    db,
    `DELETE FROM filter_results WHERE name IN (SELECT value FROM json_each(?))
     AND sample_id IN (SELECT id FROM samples WHERE run_id = ?)`,
  ).run(JSON.stringify(checkNames), runId);
}

/** Write decisions (one transaction per call) for samples of `runId`. */
export function saveCurationDecisions(
  db: Database.Database,
  runId: string,
  rows: readonly CurationDecisionRow[],
): number {
  const insert = prepared(
    db,
    `INSERT INTO curation_decisions (sample_id, run_id, kept, reason, detail) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (sample_id) DO UPDATE SET kept = excluded.kept, reason = excluded.reason, detail = excluded.detail`,
  );
  return db
    .transaction(() => {
      let n = 0;
      for (const r of rows)
        n += insert.run(r.sampleId, runId, r.kept ? 1 : 0, r.reason, JSON.stringify(r.detail)).changes;
      return n;
    })
    .immediate();
}

/** Record that the run was curated with these options, and its summary. */
export function saveCurationSummary(
  db: Database.Database,
  runId: string,
  options: Record<string, unknown>,
  summary: Record<string, unknown>,
): void {
  prepared(
    db,
    `INSERT INTO curations (run_id, options, summary, curated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET options = excluded.options, summary = excluded.summary,
       curated_at = excluded.curated_at`,
  ).run(runId, JSON.stringify(options), JSON.stringify(summary), now());
}

/** The run's stored curation, or undefined when it was never curated. */
export function getCuration(db: Database.Database, runId: string): StoredCuration | undefined {
  const row = prepared<[string], { run_id: string; options: string; summary: string; curated_at: string }>(
    db,
    'SELECT run_id, options, summary, curated_at FROM curations WHERE run_id = ?',
  ).get(runId);
  if (!row) return undefined;
  return {
    runId: row.run_id,
    options: JSON.parse(row.options) as Record<string, unknown>,
    summary: JSON.parse(row.summary) as Record<string, unknown>,
    curatedAt: row.curated_at,
  };
}

/** Ids of the run's kept samples. */
export function keptSampleIds(db: Database.Database, runId: string): Set<string> {
  return new Set(
    prepared<[string], string>(db, 'SELECT sample_id FROM curation_decisions WHERE run_id = ? AND kept = 1')
      .pluck()
      .all(runId),
  );
}

/** Decisions of the run, in sample order (for reports and tests). */
export function curationDecisions(db: Database.Database, runId: string): CurationDecisionRow[] {
  const rows = prepared<[string], { sample_id: string; kept: number; reason: string | null; detail: string }>(
    db,
    `SELECT d.sample_id, d.kept, d.reason, d.detail FROM curation_decisions d JOIN samples s ON s.id = d.sample_id
     WHERE d.run_id = ? ORDER BY s.seq`,
  ).all(runId);
  return rows.map((r) => ({
    sampleId: r.sample_id,
    kept: r.kept === 1,
    reason: r.reason,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

/** One check result of curation (see `saveCheckResults`). */
export interface CheckResultRow {
  sampleId: string;
  result: FilterResult;
}

/**
 * Bulk-write curation check results into `filter_results` (same upsert semantics as `saveFilterResults`), in the
 * caller's transaction. The rows come from typed curation code, so they are not re-validated; each distinct params
 * object is serialised once (curation shares one params object per check).
 */
export function saveCheckResults(db: Database.Database, rows: readonly CheckResultRow[]): number {
  const upsert = prepared(db, UPSERT_FILTER_RESULT);
  const paramsJson = new Map<object, string>();
  const at = now();
  let written = 0;
  for (const { sampleId, result: r } of rows) {
    let params = paramsJson.get(r.params);
    if (params === undefined) {
      params = JSON.stringify(r.params);
      paramsJson.set(r.params, params);
    }
    const matches = r.matches.length === 0 ? '[]' : JSON.stringify(r.matches);
    written += upsert.run(sampleId, r.name, r.version, params, r.passed ? 1 : 0, matches, at).changes;
  }
  return written;
}
