import type Database from 'better-sqlite3';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import type { TrainPolicy } from '../core/provenance.ts';
import { type FilterResult, type Sample, SampleSchema } from '../core/sample.ts';
import { stringifyWithShared } from '../core/shared-json.ts';
import type { FinishReason } from '../core/trace.ts';
import { validate } from '../core/validate.ts';
import { type Verdict, VerdictSchema } from '../core/verdict.ts';
import { type FilterResultInput, saveFilterRows } from './filter-queries.ts';
import { type FilterRow, type SampleRow, sampleColumns, toFilterResult, toSample } from './sample-row.ts';
import { now, prepared, writeTransaction } from './statements.ts';

/** Which samples of a run to read. Every field is optional; all given ones must hold. */
export interface SampleWhere {
  /** Only samples with a verdict (true) or without one (false). */
  hasVerdict?: boolean;
  /** Only samples whose verdict says correct (true) or wrong (false). */
  correct?: boolean;
  finishReason?: FinishReason;
  trainPolicy?: TrainPolicy;
  /** Only samples none of whose filter results failed (true), or with at least one failure (false). */
  passedFilters?: boolean;
  problemIds?: readonly string[];
}

/** Options of `Store.iterateSamples`. */
export interface IterateSamplesOptions {
  /** Rows read per query; the connection is free for writes between batches. Defaults to 500. */
  batchSize?: number;
  where?: SampleWhere;
  /** Attach each sample's filter results. Defaults to true. */
  withFilters?: boolean;
  /** Stops the iteration between batches. */
  signal?: AbortSignal;
  /**
   * `insertion` (store order: the order replies arrived, which varies with concurrency) or `problem` (by problem id,
   * then sample index: the same for every run of the same command, so curation and export are reproducible).
   * Defaults to `insertion`.
   */
  order?: 'insertion' | 'problem';
}

/** A sample's verdict to store (see `Store.setVerdicts`). */
export interface VerdictUpdate {
  sampleId: string;
  verdict: Verdict;
}

function whereSql(where: SampleWhere = {}): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (where.hasVerdict !== undefined)
    parts.push(where.hasVerdict ? 'verdict IS NOT NULL' : 'verdict IS NULL');
  if (where.correct !== undefined) {
    parts.push('correct = ?');
    params.push(where.correct ? 1 : 0);
  }
  if (where.finishReason !== undefined) {
    parts.push('finish_reason = ?');
    params.push(where.finishReason);
  }
  if (where.trainPolicy !== undefined) {
    parts.push('train_policy = ?');
    params.push(where.trainPolicy);
  }
  if (where.passedFilters !== undefined) {
    parts.push(
      `${where.passedFilters ? 'NOT ' : ''}EXISTS (SELECT 1 FROM filter_results f WHERE f.sample_id = samples.id AND f.passed = 0)`,
    );
  }
  if (where.problemIds !== undefined) {
    parts.push('problem_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(where.problemIds));
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

// The last five columns are derived from the trace and provenance: the writer fills them (migration 005).
const insertHead = `INSERT OR IGNORE INTO samples
  (id, run_id, problem_id, sample_idx, problem, trace, provenance, content_sha256, verdict,
   finish_reason, input_tokens, reasoning_tokens, output_tokens, train_policy, created_at)
  VALUES `;
const rowValues = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const insertSql = `${insertHead}${rowValues}`;
/**
 * Rows per multi-row INSERT: a batch is written in pieces of these sizes, largest first (one statement for the
 * engine's full batches of 512). A statement on `samples` may abort midway (its foreign key, STRICT type checks),
 * so SQLite keeps a statement journal for it: a copy of every page the statement changes that the transaction had
 * already changed (the table's last leaf, the id index's random leaves). Fewer, larger statements copy each such
 * page fewer times: pieces of at most 64 rows spent ~4 µs a row more in the engine (bench/generate, perf).
 */
const ROW_CHUNKS = [512, 256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

/** The cached INSERT of `rows` rows in one statement. */
function insertRows(db: Database.Database, rows: number): Database.Statement {
  if (rows === 1) return prepared(db, insertSql);
  return prepared(db, `${insertHead}${Array(rows).fill(rowValues).join(', ')}`);
}

export interface InsertSamplesOptions {
  /**
   * The samples were built in-process from values already validated at their boundary (the generate engine:
   * teacher replies are checked as they arrive, provenance is built from typed settings), so the store does not
   * validate them again. Anything read from outside (files, other processes) must leave this off. Defaults to false.
   */
  trusted?: boolean;
}

/**
 * A sample validated (unless trusted) and serialised for {@link insertSampleRows}: its column values but
 * `created_at` (set when written), and its filter results.
 */
export interface SampleInsertRow {
  params: unknown[];
  filters: FilterResultInput[];
}

/** The row of one sample, ready to insert (serialising early lets a writer hold text instead of object graphs). */
export function sampleRow(input: Sample, options: InsertSamplesOptions = {}): SampleInsertRow {
  const s = options.trusted ? input : validate(SampleSchema, input, `sample ${input.id}`);
  return {
    params: [
      s.id,
      s.runId,
      s.problem.id,
      s.sampleIdx,
      JSON.stringify(s.problem),
      JSON.stringify(s.trace),
      // The engine's provenance shares its run-wide parts (teacher, terms, use policy): their JSON is reused.
      stringifyWithShared(s.provenance),
      s.contentSha256,
      s.verdict ? JSON.stringify(s.verdict) : null,
      // What `json_extract` over the trace and provenance gives (the columns queries filter and sum on).
      s.trace.finishReason,
      s.trace.usage.input,
      s.trace.usage.reasoning,
      s.trace.usage.output,
      s.provenance.usePolicy.train,
    ],
    filters: s.filters.map((f) => ({ sampleId: s.id, ...f })),
  };
}

/** Insert samples in ONE transaction; rows whose key exists are skipped. Returns how many were new. */
export function insertSamples(
  db: Database.Database,
  samples: readonly Sample[],
  options: InsertSamplesOptions = {},
): number {
  // Validate and serialise before taking the write lock, so the transaction holds it as briefly as possible.
  return insertSampleRows(
    db,
    samples.map((s) => sampleRow(s, options)),
  );
}

/** {@link insertSamples} for rows made by {@link sampleRow}. */
export function insertSampleRows(db: Database.Database, rows: readonly SampleInsertRow[]): number {
  const at = now();
  // Rows without filter results (every row the engine writes) go in multi-row statements: one statement per
  // piece instead of one per row. Each statement on `samples` runs in a statement savepoint (its FTS trigger,
  // its foreign key), and FTS5 flushes its pending index entries at every savepoint: per row, that flush was
  // most of the cost of an insert.
  const withFilters = rows.some((r) => r.filters.length > 0);
  const write = (): number => {
    if (!withFilters) return insertMany(db, rows, at);
    const insert = prepared(db, insertSql);
    let inserted = 0;
    for (const row of rows) {
      if (insert.run(...row.params, at).changes === 0) continue;
      inserted += 1;
      if (row.filters.length > 0) saveFilterRows(db, row.filters);
    }
    return inserted;
  };
  try {
    return writeTransaction(db, write);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new NotFoundError('run', 'A sample refers to a run that is not in the store', {
        cause: error,
        hint: 'create the run with Store.createRun/ensureRun before inserting its samples',
      });
    }
    throw error;
  }
}

/** Insert `rows` in multi-row statements, created at `at`; returns how many were new. */
function insertMany(db: Database.Database, rows: readonly SampleInsertRow[], at: string): number {
  let inserted = 0;
  let next = 0;
  for (const size of ROW_CHUNKS) {
    while (rows.length - next >= size) {
      // better-sqlite3 binds an array argument element by element: each row's params go in as they are.
      const args: unknown[] = new Array(size * 2);
      for (let i = 0; i < size; i++) {
        args[2 * i] = rows[next + i]!.params;
        args[2 * i + 1] = at;
      }
      inserted += insertRows(db, size).run(...args).changes;
      next += size;
    }
  }
  return inserted;
}

export function hasSample(db: Database.Database, key: string): boolean {
  return prepared(db, 'SELECT 1 FROM samples WHERE id = ?').get(key) !== undefined;
}

/** The keys of every sample stored for the run (for resuming: these are never requested again). */
export function completedKeys(db: Database.Database, runId: string): Set<string> {
  const rows = prepared<[string], string>(db, 'SELECT id FROM samples WHERE run_id = ?').pluck().all(runId);
  return new Set(rows);
}

export function countSamples(db: Database.Database, runId: string, where?: SampleWhere): number {
  const filter = whereSql(where);
  return prepared(db, `SELECT count(*) FROM samples WHERE run_id = ?${filter.sql}`)
    .pluck()
    .get(runId, ...filter.params) as number;
}

function filtersOf(db: Database.Database, ids: string[]): Map<string, FilterResult[]> {
  const byId = new Map<string, FilterResult[]>();
  if (ids.length === 0) return byId;
  const rows = prepared<[string], FilterRow>(
    db,
    `SELECT sample_id, name, version, params, passed, matches FROM filter_results
     WHERE sample_id IN (SELECT value FROM json_each(?)) ORDER BY sample_id, name`,
  ).all(JSON.stringify(ids));
  for (const row of rows) {
    const list = byId.get(row.sample_id) ?? [];
    list.push(toFilterResult(row));
    byId.set(row.sample_id, list);
  }
  return byId;
}

export function getSample(db: Database.Database, key: string): Sample | undefined {
  const row = prepared<[string], SampleRow>(db, `SELECT ${sampleColumns} FROM samples WHERE id = ?`).get(key);
  return row ? toSample(row, filtersOf(db, [row.id]).get(row.id) ?? []) : undefined;
}

/**
 * A run's samples in insertion order (or by problem, see `order`), read `batchSize` rows per query (keyset pagination), so memory stays flat
 * and the connection is free for writes (e.g. `setVerdicts`) between batches.
 */
export function* iterateSampleBatches(
  db: Database.Database,
  runId: string,
  options: IterateSamplesOptions = {},
): Generator<Sample[]> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const filter = whereSql(options.where);
  const byProblem = options.order === 'problem';
  // Keyset pagination: on seq, or on (problem_id, sample_idx), which UNIQUE (run_id, problem_id, sample_idx) indexes.
  const page = prepared<unknown[], SampleRow>(
    db,
    byProblem
      ? `SELECT ${sampleColumns} FROM samples WHERE run_id = ? AND (problem_id, sample_idx) > (?, ?)${filter.sql}
         ORDER BY problem_id, sample_idx LIMIT ?`
      : `SELECT ${sampleColumns} FROM samples WHERE run_id = ? AND seq > ?${filter.sql} ORDER BY seq LIMIT ?`,
  );
  let after: unknown[] = byProblem ? ['', -1] : [0];
  for (;;) {
    options.signal?.throwIfAborted();
    const rows = page.all(runId, ...after, ...filter.params, batchSize);
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    after = byProblem ? [last.problem_id, last.sample_idx] : [last.seq];
    const filters =
      options.withFilters === false
        ? undefined
        : filtersOf(
            db,
            rows.map((r) => r.id),
          );
    yield rows.map((row) => toSample(row, filters?.get(row.id) ?? []));
    if (rows.length < batchSize) return;
  }
}

/** Like `iterateSampleBatches`, one sample at a time. */
export function* iterateSamples(
  db: Database.Database,
  runId: string,
  options: IterateSamplesOptions = {},
): Generator<Sample> {
  for (const batch of iterateSampleBatches(db, runId, options)) yield* batch;
}

/** Store verdicts in one transaction. Returns how many samples were updated (unknown ids are skipped). */
export function setVerdicts(db: Database.Database, updates: readonly VerdictUpdate[]): number {
  const valid = updates.map((u) => ({
    sampleId: u.sampleId,
    verdict: validate(VerdictSchema, u.verdict, `verdict of sample ${u.sampleId}`),
  }));
  const update = prepared(db, 'UPDATE samples SET verdict = ? WHERE id = ?');
  return writeTransaction(db, () => {
    let changed = 0;
    for (const u of valid) changed += update.run(JSON.stringify(u.verdict), u.sampleId).changes;
    return changed;
  });
}
