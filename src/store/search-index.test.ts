import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../core/errors/store-error.ts';
import type { Sample } from '../core/sample.ts';
import { makeSample } from './__fixtures__/make-sample.ts';
import { openStore } from './open-store.ts';
import { sampleRow } from './sample-queries.ts';
import { sampleSearchFilter } from './search-index.ts';
import { sampleSearchMatch, searchWords } from './search-queries.ts';
import type { Store } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-search-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Problem ids of the samples whose prompt, thinking or answer match `text`, as a search sees them. */
function search(db: Database.Database, text: string): string[] {
  const filter = sampleSearchFilter(db, 's', sampleSearchMatch(text)!, searchWords(text));
  return db
    .prepare(`SELECT problem_id FROM samples s WHERE ${filter.sql} ORDER BY seq`)
    .pluck()
    .all(...filter.params) as string[];
}

/** Rows of the store's own index matching `text` (a row indexed twice would count twice). */
function indexed(db: Database.Database, text: string): number {
  return db
    .prepare('SELECT count(*) FROM samples_fts WHERE samples_fts MATCH ?')
    .pluck()
    .get(sampleSearchMatch(text)) as number;
}

const through = (db: Database.Database) =>
  db.prepare('SELECT indexed_through FROM sample_search_state').pluck().get() as number;

/** Insert the way the generate engine does: rows without indexing them. */
function writeLikeEngine(store: Store, samples: Sample[]): void {
  store.insertSampleRows(samples.map((s) => sampleRow(s, { trusted: true })));
}

function sample(runId: string, problemId: string, prompt: string): Sample {
  const s = makeSample({ runId, problemId });
  return { ...s, problem: { ...s.problem, prompt } };
}

describe('the search index filled in bulk', () => {
  it('finds rows the engine wrote before they are indexed, on writers and read-only readers; indexing adds each row once', () => {
    const path = join(dir, 'tail.sqlite');
    using store = openStore(path);
    const run = store.createRun({ name: 'r', kind: 'generate' });
    store.insertSamples([sample(run.id, 'p0', 'Count the aardvarks')]);
    expect(through(store.db)).toBe(1);
    writeLikeEngine(store, [
      sample(run.id, 'p1', 'Weigh the zebras'),
      sample(run.id, 'p2', 'Café au lait for aardvarks'),
    ]);
    expect(through(store.db)).toBe(1);
    expect(indexed(store.db, 'zebras')).toBe(0);
    // Both kinds of connection see the unindexed rows (a TEMP index of this connection covers them).
    expect(search(store.db, 'zebr')).toEqual(['p1']);
    using reader = openStore(path, { readonly: true });
    expect(search(reader.db, 'aardvark')).toEqual(['p0', 'p2']);
    expect(search(reader.db, 'CAFE')).toEqual(['p2']);
    // More rows arrive while the reader is open: its TEMP index takes them too.
    writeLikeEngine(store, [sample(run.id, 'p3', 'More zebras')]);
    expect(search(reader.db, 'zebras')).toEqual(['p1', 'p3']);

    expect(store.indexSearch()).toBe(3);
    expect(store.indexSearch()).toBe(0);
    expect(through(store.db)).toBe(4);
    expect(indexed(store.db, 'zebras')).toBe(2);
    expect(indexed(store.db, 'aardvarks')).toBe(2);
    // The reader notices the store's index moved and searches it alone (no row counted twice).
    expect(search(reader.db, 'zebras')).toEqual(['p1', 'p3']);
    expect(search(store.db, 'aardvark')).toEqual(['p0', 'p2']);
    // A new unindexed row after that: the reader rebuilds its TEMP index from the new mark.
    writeLikeEngine(store, [sample(run.id, 'p5', 'zebras again')]);
    expect(search(reader.db, 'zebras')).toEqual(['p1', 'p3', 'p5']);
    expect(search(reader.db, 'again')).toEqual(['p5']);
    store.db.prepare("INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 0)").run();
  });

  it('indexSearchUnlessBusy skips a store whose write lock another connection holds, and indexes once it is free', () => {
    const file = join(dir, 'busy.sqlite');
    using store = openStore(file, { busyTimeoutMs: 50 });
    const run = store.createRun({ name: 'busy', kind: 'generate' });
    writeLikeEngine(store, [makeSample({ runId: run.id, problemId: 'p1' })]);
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    expect(() => store.indexSearch()).toThrow(StoreError);
    expect(store.indexSearchUnlessBusy()).toBe(0);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(store.indexSearchUnlessBusy()).toBe(1);
  });

  it('deleting rows (indexed or not) keeps the index exact, also when a new row reuses the seq of a deleted one', () => {
    using store = openStore(join(dir, 'delete.sqlite'));
    const run = store.createRun({ name: 'r', kind: 'generate' });
    store.insertSamples([sample(run.id, 'p1', 'alpha one'), sample(run.id, 'p2', 'alpha two')]);
    writeLikeEngine(store, [sample(run.id, 'p3', 'alpha three')]);
    // An unindexed row goes: nothing to forget. Then the highest indexed row: the covered range shrinks.
    store.db.prepare("DELETE FROM samples WHERE problem_id = 'p3'").run();
    store.db.prepare("DELETE FROM samples WHERE problem_id = 'p2'").run();
    expect(through(store.db)).toBe(1);
    expect(indexed(store.db, 'alpha')).toBe(1);
    // The new row takes seq 2 again: it is not claimed as indexed, and the old words of seq 2 are gone.
    writeLikeEngine(store, [sample(run.id, 'p4', 'beta four')]);
    expect(store.db.prepare("SELECT seq FROM samples WHERE problem_id = 'p4'").pluck().get()).toBe(2);
    expect(search(store.db, 'beta')).toEqual(['p4']);
    expect(search(store.db, 'two')).toEqual([]);
    expect(store.indexSearch()).toBe(1);
    expect(search(store.db, 'beta')).toEqual(['p4']);
    expect(search(store.db, 'alpha')).toEqual(['p1']);
    // An edit of an indexed row is reindexed at once.
    store.db
      .prepare("UPDATE samples SET trace = json_set(trace, '$.answer', 'gamma') WHERE problem_id = 'p4'")
      .run();
    expect(search(store.db, 'gamma')).toEqual(['p4']);
    store.db.prepare('DELETE FROM runs').run();
    expect(through(store.db)).toBe(0);
    expect(indexed(store.db, 'alpha')).toBe(0);
    store.db.prepare("INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 0)").run();
  });

  it('a connection that cannot make TEMP tables (a store read into memory) scans the unindexed rows instead', () => {
    const path = join(dir, 'memory.sqlite');
    {
      using store = openStore(path);
      const run = store.createRun({ name: 'r', kind: 'generate' });
      store.insertSamples([sample(run.id, 'p1', 'Weigh the zebras')]);
      writeLikeEngine(store, [sample(run.id, 'p2', 'zebras and okapis'), sample(run.id, 'p3', 'okapi')]);
      store.checkpoint();
    }
    // As openStore reads a store in a folder it cannot write: a copy in memory, switched to rollback mode.
    const bytes = readFileSync(path);
    bytes[18] = 1;
    bytes[19] = 1;
    const db = new Database(bytes, { readonly: true });
    try {
      expect(search(db, 'zebras')).toEqual(['p1', 'p2']);
      expect(search(db, 'okapi zebras')).toEqual(['p2']);
    } finally {
      db.close();
    }
  });
});
