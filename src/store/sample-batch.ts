import type Database from 'better-sqlite3';
import { updateRun } from './run-queries.ts';
import { insertSampleRows, type SampleInsertRow } from './sample-queries.ts';
import { writeTransaction } from './statements.ts';

/** A batch of sample rows (made by `sampleRow`) and, optionally, the run summary keys to write with it. */
export interface SampleBatch {
  rows: readonly SampleInsertRow[];
  /** The run whose summary keys are set in the same transaction. Defaults to none. */
  run?: { id: string; summary: Record<string, unknown> };
}

/**
 * Insert the rows (idempotently) and update the run summary in ONE transaction: one commit per batch, and a crash
 * leaves both or neither. Returns how many rows were new.
 */
export function writeSampleBatch(db: Database.Database, batch: SampleBatch): number {
  return writeTransaction(db, () => {
    const inserted = insertSampleRows(db, batch.rows);
    if (batch.run) updateRun(db, batch.run.id, { summary: batch.run.summary });
    return inserted;
  });
}
