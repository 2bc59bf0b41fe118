import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../core/hash.ts';
import type { Verdict } from '../core/verdict.ts';
import { makeSample } from './__fixtures__/make-sample.ts';
import { loadMigrations, migrationsDir } from './migrate.ts';
import { openStore } from './open-store.ts';
import { sampleRow } from './sample-queries.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'distill-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the real migrations folder that a test may add files to (without the versions in `leaveOut`). */
function migrationsCopy(leaveOut: number[] = []): string {
  const copy = join(dir, 'migrations');
  mkdirSync(copy);
  for (const m of loadMigrations()) {
    if (!leaveOut.includes(m.version)) copyFileSync(join(migrationsDir, m.name), join(copy, m.name));
  }
  return copy;
}

const verdict = (correct: boolean): Verdict => ({
  correct,
  extracted: '1',
  extractor: 'boxed',
  method: 'exact',
  verifierVersion: 't',
});

/** The columns queries filter and sum on, with what json_extract reads from the stored JSON, per sample. */
const DERIVED = `SELECT seq, id, correct, finish_reason, input_tokens, reasoning_tokens, output_tokens, train_policy,
  json_extract(trace, '$.finishReason') AS jf, json_extract(trace, '$.usage.input') AS ji,
  json_extract(trace, '$.usage.reasoning') AS jr, json_extract(trace, '$.usage.output') AS jo,
  json_extract(provenance, '$.usePolicy.train') AS jt FROM samples ORDER BY seq`;

type Derived = Record<'finish_reason' | 'jf' | 'train_policy' | 'jt', string | null> &
  Record<'input_tokens' | 'ji' | 'reasoning_tokens' | 'jr' | 'output_tokens' | 'jo', number | null>;

function expectDerivedInStep(rows: Derived[]): void {
  for (const r of rows) {
    expect([r.finish_reason, r.input_tokens, r.reasoning_tokens, r.output_tokens, r.train_policy]).toEqual([
      r.jf,
      r.ji,
      r.jr,
      r.jo,
      r.jt,
    ]);
  }
}

describe('migrations', () => {
  it('applies every migration once, in order, and records it', () => {
    const path = join(dir, 's.sqlite');
    const known = loadMigrations();
    openStore(path).close();
    const store = openStore(path); // reopening applies nothing new
    const rows = store.db
      .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
      .all();
    expect(rows).toEqual(known.map((m) => ({ version: m.version, name: m.name, sha256: m.sha256 })));
    expect(store.schemaVersion).toBe(known.at(-1)!.version);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
  });

  it('discovers a migration added later, including one numbered below the current version', () => {
    const folder = migrationsCopy();
    const path = join(dir, 's.sqlite');
    writeFileSync(join(folder, '901-test-later.sql'), 'CREATE TABLE test_later (x INTEGER) STRICT;');
    openStore(path, { migrationsDir: folder }).close();
    writeFileSync(join(folder, '900-test-lower.sql'), 'CREATE TABLE test_lower (y TEXT) STRICT;');
    const store = openStore(path, { migrationsDir: folder });
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual([...loadMigrations().map((m) => m.version), 900, 901]);
    expect(store.schemaVersion).toBe(901);
    store.db.prepare('INSERT INTO test_lower VALUES (?)').run('ok');
    store.close();
  });

  it('rolls back a failing migration completely and reports it', () => {
    const folder = migrationsCopy();
    const path = join(dir, 's.sqlite');
    writeFileSync(join(folder, '950-broken.sql'), 'CREATE TABLE half (x INTEGER); SELECT * FROM nowhere;');
    expect(() => openStore(path, { migrationsDir: folder })).toThrow(/Migration 950-broken.sql failed/);
    const db = new Database(path);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().at(-1)!.version);
    db.close();
  });

  it('rejects badly named and duplicate-numbered migration files', () => {
    const folder = migrationsCopy();
    writeFileSync(join(folder, '7-oops.sql'), 'SELECT 1;');
    expect(() => loadMigrations(folder)).toThrow(/not named NNN-topic.sql/);
    rmSync(join(folder, '7-oops.sql'));
    writeFileSync(join(folder, '001-again.sql'), 'SELECT 1;');
    expect(() => loadMigrations(folder)).toThrow(/share version 1/);
  });

  it('refuses a store from a newer Distill without modifying it', () => {
    const path = join(dir, 's.sqlite');
    openStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha256(readFileSync(path));
    const known = loadMigrations().at(-1)!.version;
    expect(() => openStore(path)).toThrow(
      `created by a newer Distill (schema 999 > ${known}); upgrade Distill`,
    );
    expect(sha256(readFileSync(path))).toBe(before);
  });

  it('refuses a store that applied a migration this code does not know', () => {
    const folder = migrationsCopy();
    writeFileSync(join(folder, '990-future.sql'), 'CREATE TABLE future (x INTEGER) STRICT;');
    const path = join(dir, 's.sqlite');
    openStore(path, { migrationsDir: folder }).close();
    // Code without 990 but with a higher-numbered file.
    rmSync(join(folder, '990-future.sql'));
    writeFileSync(join(folder, '995-later.sql'), 'SELECT 1;');
    expect(() => openStore(path, { migrationsDir: folder })).toThrow(
      /migration\(s\) 990 that this Distill does not know/,
    );
  });

  it('gives a clear error for a file that is not a store, and for a missing one when it must exist', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(
      path,
      'this is not sqlite at all, just text that is long enough to have a header'.repeat(20),
    );
    expect(() => openStore(path)).toThrow(/not a Distill store/);
    expect(() => openStore(join(dir, 'missing.sqlite'), { mustExist: true })).toThrow(/No store at/);
  });

  it('005 rebuilds a populated samples table: rows, filters, curation, search and foreign keys survive', () => {
    const path = join(dir, 'old.sqlite');
    // A store as the code before migration 005 left it (every other migration applied).
    const old = openStore(path, { migrationsDir: migrationsCopy([5]) });
    const run = old.createRun({ name: 'g', kind: 'generate' });
    const other = old.createRun({ name: 'h', kind: 'generate' });
    const n = 1500;
    const samples = Array.from({ length: n }, (_, i) =>
      makeSample({
        runId: i % 3 === 0 ? other.id : run.id,
        problemId: `p${i}`,
        usage: { input: i, reasoning: 2 * i, output: 3 },
      }),
    );
    // The old schema generates the derived columns: insert only the stored ones.
    const insert = old.db.prepare(`INSERT INTO samples (id, run_id, problem_id, sample_idx, problem, trace,
      provenance, content_sha256, verdict, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    old.db.transaction(() => {
      for (const s of samples) insert.run(...sampleRow(s).params.slice(0, 9), '2026-01-01T00:00:00.000Z');
    })();
    old.indexSearch();
    old.setVerdicts(samples.slice(0, 40).map((s, i) => ({ sampleId: s.id, verdict: verdict(i % 2 === 0) })));
    old.saveFilterResults(
      samples
        .slice(0, 30)
        .map((s) => ({ sampleId: s.id, name: 'len', version: '1', params: {}, passed: true, matches: [] })),
    );
    old.db
      .prepare("INSERT INTO curation_decisions (sample_id, run_id, kept, detail) VALUES (?, ?, 1, '{}')")
      .run(samples[1]!.id, run.id);
    const before = old.db.prepare(DERIVED).all() as Derived[];
    old.close();

    const store = openStore(path);
    expect(store.db.prepare('SELECT version FROM schema_migrations WHERE version = 5').pluck().get()).toBe(5);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    const after = store.db.prepare(DERIVED).all() as Derived[];
    expect(after).toEqual(before); // same seq, ids, verdicts and derived values
    expectDerivedInStep(after);
    expect(after.filter((r) => r.input_tokens === 7)).toHaveLength(1);
    expect(store.runReport('g').counts).toMatchObject({ completed: n - 500, withVerdict: 26, correct: 13 });
    expect(store.db.prepare('SELECT count(*) FROM filter_results').pluck().get()).toBe(30);
    expect(store.db.prepare('SELECT count(*) FROM curation_decisions').pluck().get()).toBe(1);
    const match = (word: string) =>
      store.db.prepare('SELECT count(*) FROM samples_fts WHERE samples_fts MATCH ?').pluck().get(word);
    expect(match('think')).toBe(n);
    store.db.prepare("INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 0)").run();

    // Writes after the migration: the writer fills the derived columns, edits keep them (and `correct`) in step.
    const fresh = [
      makeSample({ runId: run.id, problemId: 'new1', usage: { input: 1, reasoning: 2, output: 3 } }),
      makeSample({ runId: run.id, problemId: 'new2' }),
    ];
    expect(store.insertSamples([fresh[0]!])).toBe(1);
    expect(store.insertSamples([fresh[1]!], { trusted: true })).toBe(1);
    store.setVerdicts([{ sampleId: fresh[0]!.id, verdict: verdict(true) }]);
    const trace = {
      ...fresh[1]!.trace,
      finishReason: 'length',
      usage: { input: 4, reasoning: 5, output: 6 },
    };
    store.db.prepare('UPDATE samples SET trace = ? WHERE id = ?').run(JSON.stringify(trace), fresh[1]!.id);
    const rows = store.db.prepare(DERIVED).all() as Array<Derived & { id: string; correct: number | null }>;
    expectDerivedInStep(rows);
    expect(rows.find((r) => r.id === fresh[0]!.id)).toMatchObject({ correct: 1, input_tokens: 1 });
    expect(rows.find((r) => r.id === fresh[1]!.id)).toMatchObject({
      finish_reason: 'length',
      output_tokens: 6,
    });
    expect(store.countSamples(run.id, { finishReason: 'length' })).toBe(1);
    expect(store.countSamples(run.id, { trainPolicy: 'allowed', correct: true })).toBe(14);

    // Foreign keys still hold both ways: no sample of an unknown run; deleting a run deletes its samples' rows.
    expect(() => store.insertSamples([makeSample({ runId: 'nope', problemId: 'x' })])).toThrow(/run/);
    store.db.prepare('DELETE FROM runs WHERE id = ?').run(run.id);
    expect(store.db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(500);
    expect(store.db.prepare('SELECT count(*) FROM filter_results').pluck().get()).toBe(10);
    expect(store.db.prepare('SELECT count(*) FROM curation_decisions').pluck().get()).toBe(0);
    expect(match('think')).toBe(500);
    store.close();
  });

  it('a migration that breaks a foreign key with foreign keys off is rolled back', () => {
    const folder = migrationsCopy();
    const path = join(dir, 's.sqlite');
    const store = openStore(path, { migrationsDir: folder });
    const run = store.createRun({ name: 'g', kind: 'generate' });
    store.insertSamples([makeSample({ runId: run.id, problemId: 'p' })]);
    store.close();
    writeFileSync(
      join(folder, '960-orphans.sql'),
      '-- distill: foreign keys off\nDELETE FROM runs;\nCREATE TABLE orphan_marker (x INTEGER) STRICT;',
    );
    expect(() => openStore(path, { migrationsDir: folder })).toThrow(/960-orphans.sql would leave 1 broken/);
    const db = new Database(path);
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'orphan_marker'").get()).toBeUndefined();
    db.close();
    // The writing connection got its foreign keys back on after the failed migration.
    const again = openStore(path);
    expect(again.db.pragma('foreign_keys', { simple: true })).toBe(1);
    again.close();
  });
});
