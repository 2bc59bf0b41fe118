import type Database from 'better-sqlite3';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { type Verdict, VerdictSchema } from '../core/verdict.ts';
import { readJson } from './json-column.ts';
import { now, prepared } from './statements.ts';

/** One evaluated sample as stored (budget -1 = the main evaluation, else a thinking-budget sweep point). */
export interface EvalSampleRow {
  problemId: string;
  sampleIdx: number;
  budget: number;
  family: string;
  correct: boolean;
  extracted: string | null;
  finishReason: string;
  reasoningTokens: number;
  answerTokens: number;
  ttftMs: number | null;
  reasoning: string;
  answer: string;
  /** The full verdict (with code test results for code problems); absent on rows stored before migration 031. */
  verdict?: Verdict;
  /** The pool endpoint that answered, when the model was a teacher pool. Defaults to null. */
  endpoint?: string | null;
}

/** Save (or replace) a report and its samples in one transaction. `report` must be JSON-serialisable. */
export function saveEvalReport(
  db: Database.Database,
  id: string,
  name: string,
  report: unknown,
  samples: readonly EvalSampleRow[],
): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM eval_reports WHERE id = ? OR name = ?').run(id, name);
    prepared(db, 'INSERT INTO eval_reports (id, name, report, created_at) VALUES (?, ?, ?, ?)').run(
      id,
      name,
      JSON.stringify(report),
      now(),
    );
    const insert = prepared(
      db,
      `INSERT INTO eval_samples (report_id, problem_id, sample_idx, budget, family, correct, extracted, finish_reason,
        reasoning_tokens, answer_tokens, ttft_ms, reasoning, answer, verdict, endpoint)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const s of samples) {
      insert.run(
        id,
        s.problemId,
        s.sampleIdx,
        s.budget,
        s.family,
        s.correct ? 1 : 0,
        s.extracted,
        s.finishReason,
        s.reasoningTokens,
        s.answerTokens,
        s.ttftMs,
        s.reasoning,
        s.answer,
        s.verdict ? JSON.stringify(s.verdict) : null,
        s.endpoint ?? null,
      );
    }
  }).immediate();
}

/** The stored report JSON by id or name. */
export function loadEvalReport(db: Database.Database, idOrName: string): unknown {
  const row = prepared<[string, string], { report: string }>(
    db,
    'SELECT report FROM eval_reports WHERE id = ? OR name = ?',
  ).get(idOrName, idOrName);
  if (!row)
    throw new NotFoundError('eval report', `No evaluation report '${idOrName}' in this store`, {
      hint: 'list them with `distill eval --list`',
    });
  return JSON.parse(row.report) as unknown;
}

export function listEvalReports(
  db: Database.Database,
): Array<{ id: string; name: string; createdAt: string }> {
  return prepared<[], { id: string; name: string; created_at: string }>(
    db,
    'SELECT id, name, created_at FROM eval_reports ORDER BY created_at DESC',
  )
    .all()
    .map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
}

/** Per-problem correctness of a report's main evaluation (for recounting accuracy from stored samples). */
export function evalSampleRows(db: Database.Database, reportId: string, budget = -1): EvalSampleRow[] {
  return prepared<[string, number], Record<string, unknown>>(
    db,
    'SELECT * FROM eval_samples WHERE report_id = ? AND budget = ? ORDER BY problem_id, sample_idx',
  )
    .all(reportId, budget)
    .map((r) => ({
      problemId: String(r.problem_id),
      sampleIdx: Number(r.sample_idx),
      budget: Number(r.budget),
      family: String(r.family),
      correct: r.correct === 1,
      extracted: r.extracted === null ? null : String(r.extracted),
      finishReason: String(r.finish_reason),
      reasoningTokens: Number(r.reasoning_tokens),
      answerTokens: Number(r.answer_tokens),
      ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
      reasoning: String(r.reasoning),
      answer: String(r.answer),
      // A store read before migration 031 has no verdict column (undefined), older rows hold NULL.
      ...(typeof r.verdict === 'string'
        ? { verdict: readJson(r.verdict, VerdictSchema, 'eval_samples.verdict') }
        : {}),
      endpoint: r.endpoint === null || r.endpoint === undefined ? null : String(r.endpoint),
    }));
}
