import type Database from 'better-sqlite3';
import { StoreError } from '../core/errors/store-error.ts';
import type { Sample } from '../core/sample.ts';
import { type FailureCount, type FailureInput, failureCounts, recordFailure } from './failure-queries.ts';
import { type FilterResultInput, saveFilterResults } from './filter-queries.ts';
import type { OpenStoreOptions } from './open-store.ts';
import {
  createRun,
  ensureRun,
  findRun,
  heartbeatRun,
  listRuns,
  requireRun,
  updateRun,
} from './run-queries.ts';
import type { CreateRunInput, ListRunsOptions, Run, UpdateRunInput } from './run-record.ts';
import { type RunReport, runReport } from './run-report.ts';
import { type SampleBatch, writeSampleBatch } from './sample-batch.ts';
import {
  completedKeys,
  countSamples,
  getSample,
  hasSample,
  type InsertSamplesOptions,
  type IterateSamplesOptions,
  insertSampleRows,
  insertSamples,
  iterateSampleBatches,
  iterateSamples,
  type SampleInsertRow,
  type SampleWhere,
  setVerdicts,
  type VerdictUpdate,
} from './sample-queries.ts';
import { indexNewSamples } from './search-index.ts';
import { prepared, writeTransaction } from './statements.ts';

/** What a second writing connection to a store's file is opened with. */
export type StoreConnectionOptions = Pick<OpenStoreOptions, 'durability' | 'busyTimeoutMs' | 'migrationsDir'>;

/**
 * One open Distill store (a SQLite file). Create it with `openStore`. Every method is synchronous (better-sqlite3)
 * and every multi-row write is one transaction: after a crash a batch is either fully there or not at all.
 */
export class Store {
  /** The file this store was opened from. */
  readonly path: string;
  /**
   * The raw connection, for `src/store/<topic>-queries.ts` modules only (no SQL outside src/store/).
   * Use `prepared(store.db, sql)` from `./statements.ts` to reuse statements.
   */
  readonly db: Database.Database;
  /**
   * The options this store was opened with that a second connection to the same file needs (the sample write
   * thread opens its own with them).
   */
  readonly connectionOptions: StoreConnectionOptions;

  constructor(db: Database.Database, path: string, connectionOptions: StoreConnectionOptions = {}) {
    this.db = db;
    this.path = path;
    this.connectionOptions = connectionOptions;
  }

  /** The schema version (highest applied migration). */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  // Runs

  createRun(input: CreateRunInput): Run {
    return createRun(this.db, input);
  }
  /** The existing run with this name (same kind), or a new one; for commands that resume. */
  ensureRun(input: CreateRunInput): { run: Run; created: boolean } {
    return ensureRun(this.db, input);
  }
  /** The run with this id or name, or undefined. */
  getRun(idOrName: string): Run | undefined {
    return findRun(this.db, idOrName);
  }
  /** The run with this id or name; NotFoundError otherwise. */
  requireRun(idOrName: string): Run {
    return requireRun(this.db, idOrName);
  }
  /** Runs, newest first. */
  listRuns(options?: ListRunsOptions): Run[] {
    return listRuns(this.db, options);
  }
  /**
   * Change status (final statuses set `finishedAt`), shallow-merge summary, replace config. Setting `running`
   * records this process as the owner; keep it alive with `heartbeat` or readers show the run as `interrupted`.
   */
  updateRun(idOrName: string, input: UpdateRunInput): Run {
    return updateRun(this.db, idOrName, input);
  }
  /** Refresh the heartbeat of a `running` run this process owns (every `HEARTBEAT_INTERVAL_MS`). */
  heartbeat(runId: string): void {
    heartbeatRun(this.db, runId);
  }
  /** Counts, tokens, cost and wall time of a run (what `distill runs show` prints). */
  runReport(idOrName: string): RunReport {
    return runReport(this.db, idOrName);
  }

  // Samples

  /**
   * Insert samples in ONE transaction, idempotently (existing keys are skipped), and bring the search index up to
   * date. Returns how many were new.
   */
  insertSamples(samples: readonly Sample[], options?: InsertSamplesOptions): number {
    const inserted = insertSamples(this.db, samples, options);
    indexNewSamples(this.db);
    return inserted;
  }
  /**
   * {@link insertSamples} for rows already made by `sampleRow` (a writer that serialises as samples arrive),
   * without indexing them for search: the writer calls {@link indexSearch} when it is done (searches find
   * unindexed rows meanwhile, at a cost per search).
   */
  insertSampleRows(rows: readonly SampleInsertRow[]): number {
    return insertSampleRows(this.db, rows);
  }
  /**
   * Insert a batch of rows made by `sampleRow` and, when given, set the run's summary keys, in ONE transaction
   * (one commit per batch); returns how many rows were new.
   */
  writeSampleBatch(batch: SampleBatch): number {
    return writeSampleBatch(this.db, batch);
  }

  /** Index for search every sample not indexed yet (in bulk, a few thousand rows per transaction). Returns how many. */
  indexSearch(): number {
    return indexNewSamples(this.db);
  }
  /**
   * {@link indexSearch}, skipped when another connection holds the write lock past the busy timeout (a StoreError):
   * searches still find unindexed rows, and the next writer indexes them. Returns how many rows were indexed.
   */
  indexSearchUnlessBusy(): number {
    try {
      return indexNewSamples(this.db);
    } catch (error) {
      if (error instanceof StoreError) return 0;
      throw error;
    }
  }
  hasSample(key: string): boolean {
    return hasSample(this.db, key);
  }
  getSample(key: string): Sample | undefined {
    return getSample(this.db, key);
  }
  /** Keys of the run's stored samples: what a resumed run must not request again. */
  completedKeys(runId: string): Set<string> {
    return completedKeys(this.db, runId);
  }
  countSamples(runId: string, where?: SampleWhere): number {
    return countSamples(this.db, runId, where);
  }
  /** Stream a run's samples in insertion order, `batchSize` rows per query. Writes are allowed meanwhile. */
  iterateSamples(runId: string, options?: IterateSamplesOptions): Generator<Sample> {
    return iterateSamples(this.db, runId, options);
  }
  /** Like `iterateSamples`, yielding arrays of up to `batchSize` samples. */
  iterateSampleBatches(runId: string, options?: IterateSamplesOptions): Generator<Sample[]> {
    return iterateSampleBatches(this.db, runId, options);
  }
  /** Store verdicts in one transaction. Returns how many samples were updated. */
  setVerdicts(updates: readonly VerdictUpdate[]): number {
    return setVerdicts(this.db, updates);
  }
  /** Store filter results in one transaction (a re-run filter replaces its earlier result). */
  saveFilterResults(rows: readonly FilterResultInput[]): number {
    return saveFilterResults(this.db, rows);
  }

  // Failures

  /** Record one failed attempt; a failed request never silently disappears. */
  recordFailure(failure: FailureInput): number {
    return recordFailure(this.db, failure);
  }
  failureCounts(runId: string): Record<string, FailureCount> {
    return failureCounts(this.db, runId);
  }

  // Housekeeping

  /** Run `fn` in one IMMEDIATE transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  /** `PRAGMA integrity_check` and `foreign_key_check`: 'ok', or the problems found. */
  integrityCheck(): 'ok' | string[] {
    const problems = (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .filter((m) => m !== 'ok');
    const orphans = prepared<[], { table: string; rowid: number; parent: string }>(
      this.db,
      'PRAGMA foreign_key_check',
    ).all();
    for (const o of orphans) problems.push(`${o.table} row ${o.rowid} refers to a missing ${o.parent} row`);
    return problems.length === 0 ? 'ok' : problems;
  }

  /**
   * Copy WAL content into the main file (done automatically; useful before copying the file). `truncate` waits
   * for readers and empties the WAL; `passive` copies what it can without waiting for anyone. Defaults to
   * `truncate`.
   */
  checkpoint(mode: 'truncate' | 'passive' = 'truncate'): void {
    this.db.pragma(`wal_checkpoint(${mode === 'passive' ? 'PASSIVE' : 'TRUNCATE'})`);
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
