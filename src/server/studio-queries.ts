import type Database from 'better-sqlite3';
import { type FilterRow, type SampleRow, toFilterResult, toSample } from '../store/sample-row.ts';
import { sampleSearchFilter } from '../store/search-index.ts';
import { hasSampleSearch, sampleSearchMatch, searchWords } from '../store/search-queries.ts';
import { prepared } from '../store/statements.ts';
import type { Store } from '../store/store.ts';
import { getTrainRun } from '../store/train-queries.ts';
import { studioEvals } from './studio-evals.ts';
import type { SampleQuery, StudioRun, StudioSample, StudioSamplesResponse } from './studio-schema.ts';
import { hasTable } from './studio-tables.ts';

function curationOf(db: Database.Database, runId: string): StudioRun['curation'] {
  if (!hasTable(db, 'curations')) return null;
  const curated = prepared<[string], { curated_at: string }>(
    db,
    'SELECT curated_at FROM curations WHERE run_id = ?',
  ).get(runId);
  if (!curated) return null;
  const rows = prepared<[string], { kept: number; reason: string | null; n: number }>(
    db,
    'SELECT kept, reason, count(*) AS n FROM curation_decisions WHERE run_id = ? GROUP BY kept, reason',
  ).all(runId);
  const droppedBy: Record<string, number> = {};
  let kept = 0;
  let dropped = 0;
  for (const r of rows) {
    if (r.kept === 1) kept += r.n;
    else {
      dropped += r.n;
      const reason = r.reason ?? 'unknown';
      droppedBy[reason] = (droppedBy[reason] ?? 0) + r.n;
    }
  }
  return { kept, dropped, droppedBy, curatedAt: curated.curated_at };
}

/** Eval reports as runs of kind `eval` (they live in `eval_reports`, not `runs`). */
function evalRuns(store: Store): StudioRun[] {
  return studioEvals(store).map((e) => {
    const samples = e.problems * e.samplesPerProblem;
    return {
      id: e.id,
      name: e.name,
      kind: 'eval',
      status: 'completed',
      createdAt: e.createdAt,
      finishedAt: e.createdAt,
      teacher: e.model.label,
      counts: {
        requested: samples,
        samples,
        withVerdict: samples,
        correct: Math.round(e.pass1 * samples),
        unresolved: 0,
      },
      tokens: { input: 0, reasoning: 0, output: 0, total: 0 },
      costUsd: null,
      wallMs: e.wallMs,
      curation: null,
      train: null,
      eval: { model: e.model.label, pass1: e.pass1, problems: e.problems },
    };
  });
}

/**
 * Every run in the store, newest first, with counts, cost, wall time, curation outcome, a train run's progress,
 * and the stored eval reports (as runs of kind `eval`).
 */
export function studioRuns(store: Store): StudioRun[] {
  const runs = store.listRuns().map((run): StudioRun => {
    const r = store.runReport(run.id);
    const train = run.kind === 'train' ? getTrainRun(store.db, run.id) : undefined;
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      status: r.status,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      teacher: r.teacher,
      counts: {
        requested: r.counts.requested,
        samples: r.counts.completed,
        withVerdict: r.counts.withVerdict,
        correct: r.counts.correct,
        unresolved: r.counts.unresolved,
      },
      tokens: r.tokens,
      costUsd: r.costUsd,
      wallMs: r.wallMs,
      curation: curationOf(store.db, r.id),
      train: train
        ? { steps: train.steps, totalSteps: train.totalSteps, loss: train.loss, evalLoss: train.evalLoss }
        : null,
      eval: null,
    };
  });
  return [...runs, ...evalRuns(store)].sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name.localeCompare(b.name),
  );
}

function whereOf(db: Database.Database, query: SampleQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.verdict === 'none') parts.push('s.verdict IS NULL');
  else if (query.verdict) parts.push(`s.correct = ${query.verdict === 'correct' ? 1 : 0}`);
  if (query.outcome) parts.push(`d.kept = ${query.outcome === 'kept' ? 1 : 0}`);
  if (query.filter) {
    parts.push(
      '(d.reason = ? OR EXISTS (SELECT 1 FROM filter_results f WHERE f.sample_id = s.id AND f.name = ? AND f.passed = 0))',
    );
    params.push(query.filter, query.filter);
  }
  if (query.q && hasSampleSearch(db)) {
    // The full-text index: every word of the query, as a word or word beginning (see sampleSearchMatch).
    const match = sampleSearchMatch(query.q);
    if (match === null) parts.push('0');
    else {
      // Rows the index does not cover yet (a run still writing, or one that crashed) are searched too.
      const search = sampleSearchFilter(db, 's', match, searchWords(query.q));
      parts.push(search.sql);
      params.push(...search.params);
    }
  } else if (query.q) {
    // A read-only store from before the index (migration 003): a scan with instr() on lower(), a plain substring
    // match (no LIKE wildcards to escape), case-insensitive for ASCII.
    parts.push(
      `(instr(lower(json_extract(s.problem, '$.prompt')), lower(?)) > 0
        OR instr(lower(json_extract(s.trace, '$.reasoning')), lower(?)) > 0
        OR instr(lower(json_extract(s.trace, '$.answer')), lower(?)) > 0)`,
    );
    params.push(query.q, query.q, query.q);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

type PageRow = SampleRow & { kept: number | null; reason: string | null; detail: string | null };

/** The SQL of one page of a run's samples and of its total, with their parameters (exported for query-plan tests). */
export function samplePageSql(
  db: Database.Database,
  runId: string,
  query: SampleQuery,
): { countSql: string; pageSql: string; countParams: unknown[]; pageParams: unknown[] } {
  const where = whereOf(db, query);
  const decisions = hasTable(db, 'curation_decisions')
    ? 'curation_decisions'
    : '(SELECT NULL AS sample_id, NULL AS kept, NULL AS reason, NULL AS detail)';
  // Join the curation decisions only to filter on them: counting and skipping pages then stay on the run index
  // (run_id, seq) without reading the sample rows. The page's rows are read by primary key afterwards.
  const join = query.outcome || query.filter ? ` LEFT JOIN ${decisions} d ON d.sample_id = s.id` : '';
  const from = `FROM samples s${join} WHERE s.run_id = ?${where.sql}`;
  return {
    countSql: `SELECT count(*) ${from}`,
    pageSql: `SELECT s.seq, s.id, s.run_id, s.problem_id, s.sample_idx, s.problem, s.trace, s.provenance,
            s.content_sha256, s.verdict, s.created_at, d.kept, d.reason, d.detail
     FROM (SELECT s.seq ${from} ORDER BY s.seq LIMIT ? OFFSET ?) page
     JOIN samples s ON s.seq = page.seq LEFT JOIN ${decisions} d ON d.sample_id = s.id
     ORDER BY s.seq`,
    countParams: [runId, ...where.params],
    pageParams: [runId, ...where.params, query.limit, query.offset],
  };
}

/** One page of a run's samples (server-side filtering and paging), in insertion order. */
export function studioSamples(store: Store, runId: string, query: SampleQuery): StudioSamplesResponse {
  const { db } = store;
  const sql = samplePageSql(db, runId, query);
  const total = prepared(db, sql.countSql)
    .pluck()
    .get(...sql.countParams) as number;
  const rows = prepared<unknown[], PageRow>(db, sql.pageSql).all(...sql.pageParams);
  const filters = new Map<string, FilterRow[]>();
  if (rows.length > 0) {
    const filterRows = prepared<[string], FilterRow>(
      db,
      `SELECT sample_id, name, version, params, passed, matches FROM filter_results
       WHERE sample_id IN (SELECT value FROM json_each(?)) ORDER BY sample_id, name`,
    ).all(JSON.stringify(rows.map((r) => r.id)));
    for (const f of filterRows) filters.set(f.sample_id, [...(filters.get(f.sample_id) ?? []), f]);
  }
  const data = rows.map((row): StudioSample => {
    const sample = toSample(row, (filters.get(row.id) ?? []).map(toFilterResult));
    const { teacher } = sample.provenance;
    return {
      id: sample.id,
      seq: row.seq,
      problemId: sample.problem.id,
      sampleIdx: sample.sampleIdx,
      prompt: sample.problem.prompt,
      gold: sample.problem.gold ?? null,
      thinking: sample.trace.reasoning,
      answer: sample.trace.answer,
      finishReason: sample.trace.finishReason,
      verdict: sample.verdict ?? null,
      teacher: `${teacher.provider}:${teacher.modelId}`,
      usage: sample.trace.usage,
      provenance: sample.provenance,
      filters: sample.filters.map((f) => ({
        name: f.name,
        version: f.version,
        passed: f.passed,
        matches: f.matches,
        params: f.params,
      })),
      curation:
        row.kept === null
          ? null
          : {
              kept: row.kept === 1,
              reason: row.reason,
              detail: JSON.parse(row.detail ?? '{}') as Record<string, unknown>,
            },
    };
  });
  return { object: 'list', runId, total, offset: query.offset, limit: query.limit, data };
}
