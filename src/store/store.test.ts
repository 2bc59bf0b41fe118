import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DistillError } from '../core/errors/distill-error.ts';
import { makeSample } from './__fixtures__/make-sample.ts';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'distill-store-'));
  store = openStore(join(dir, 'nested', 'deeper', 'distill.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('connection settings', () => {
  it('writers use WAL, checkpointing every ~40 MB (not every 4 MB); indexes only what queries read', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    // A new store has 16 KiB pages: 2,500 of them are ~40 MB.
    expect(store.db.pragma('page_size', { simple: true })).toBe(16_384);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(2_500);
    // Migration 004 dropped the content-hash index: nothing looks samples up by it.
    const indexes = store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'samples' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['samples_run', 'sqlite_autoindex_samples_1', 'sqlite_autoindex_samples_2']);
  });
});

describe('page size', () => {
  it('a store created with 4 KiB pages keeps them (and its samples), checkpointing every 10,000 pages', () => {
    const file = join(dir, 'old.sqlite');
    const old = openStore(file);
    old.close();
    // Rewrite it as an older Distill made it: 4 KiB pages (VACUUM applies a new page size outside WAL mode).
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('page_size = 4096');
    raw.exec('VACUUM');
    raw.pragma('journal_mode = WAL');
    raw.close();
    const reopened = openStore(file);
    try {
      expect(reopened.db.pragma('page_size', { simple: true })).toBe(4096);
      expect(reopened.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      const run = reopened.createRun({ name: 'r', kind: 'generate' });
      expect(reopened.insertSamples([makeSample({ runId: run.id, problemId: 'p1' })])).toBe(1);
      expect(reopened.countSamples(run.id)).toBe(1);
    } finally {
      reopened.close();
    }
  });
});

describe('runs', () => {
  it('creates, finds by id or name, lists and updates runs', () => {
    const run = store.createRun({ name: 'r1', kind: 'generate', config: { teacher: 'ollama:x', k: 4 } });
    expect(run.status).toBe('pending');
    expect(store.getRun('r1')?.id).toBe(run.id);
    expect(store.getRun(run.id)?.name).toBe('r1');
    expect(store.getRun('nope')).toBeUndefined();
    store.createRun({ name: 'r2', kind: 'eval' });
    expect(
      store
        .listRuns()
        .map((r) => r.name)
        .sort(),
    ).toEqual(['r1', 'r2']);
    expect(store.listRuns({ kind: 'eval' }).map((r) => r.name)).toEqual(['r2']);

    store.updateRun('r1', { status: 'running', summary: { requested: 10 } });
    const done = store.updateRun(run.id, { status: 'completed', summary: { costUsd: 0.5 } });
    expect(done.summary).toEqual({ requested: 10, costUsd: 0.5 });
    expect(done.finishedAt).not.toBeNull();
    expect(done.config).toEqual({ teacher: 'ollama:x', k: 4 });
  });

  it('refuses a duplicate name, and ensureRun resumes by name', () => {
    store.createRun({ name: 'r1', kind: 'generate' });
    expect(() => store.createRun({ name: 'r1', kind: 'generate' })).toThrow(/already exists/);
    const again = store.ensureRun({ name: 'r1', kind: 'generate' });
    expect(again.created).toBe(false);
    expect(() => store.ensureRun({ name: 'r1', kind: 'eval' })).toThrow(/kind 'generate'/);
    expect(store.ensureRun({ name: 'r3', kind: 'eval' }).created).toBe(true);
  });

  it('throws NotFoundError for an unknown run', () => {
    let caught: unknown;
    try {
      store.updateRun('missing', { status: 'failed' });
    } catch (error) {
      caught = error;
    }
    expect(DistillError.isInstance(caught) && caught.code).toBe('E_NOT_FOUND');
  });
});

describe('samples', () => {
  it('inserts idempotently: re-running never duplicates and reports how many were new', () => {
    const run = store.createRun({ name: 'g', kind: 'generate' });
    const batch = Array.from({ length: 50 }, (_, i) => makeSample({ runId: run.id, problemId: `p${i}` }));
    expect(store.insertSamples(batch)).toBe(50);
    expect(store.insertSamples(batch)).toBe(0);
    const more = [...batch.slice(0, 10), makeSample({ runId: run.id, problemId: 'p0', sampleIdx: 1 })];
    expect(store.insertSamples(more)).toBe(1);
    expect(store.countSamples(run.id)).toBe(51);
    expect(store.completedKeys(run.id).size).toBe(51);
    expect(store.hasSample(batch[3]!.id)).toBe(true);
    expect(store.hasSample('nope')).toBe(false);
    expect(store.runReport('g').counts.duplicates).toBe(0);
  });

  it('writes batches of any size in multi-row pieces: every row once, duplicates skipped, all searchable', () => {
    const run = store.createRun({ name: 'pieces', kind: 'generate' });
    const make = (i: number) => makeSample({ runId: run.id, problemId: `q${i}` });
    // 1023 = 512 + 256 + ... + 2 + 1: every piece size once; a key twice in one batch is one row.
    const first = Array.from({ length: 1023 }, (_, i) => make(i));
    expect(store.insertSamples([...first, make(5)], { trusted: true })).toBe(1023);
    // Some already stored, the rest new, in one batch of an odd size.
    const second = Array.from({ length: 77 }, (_, i) => make(996 + i));
    expect(store.insertSamples(second, { trusted: true })).toBe(50);
    expect(store.countSamples(run.id)).toBe(1073);
    const keys = [...store.iterateSamples(run.id)].map((x) => x.problem.id);
    expect(new Set(keys).size).toBe(1073);
    expect(keys.slice(0, 3)).toEqual(['q0', 'q1', 'q2']); // insertion order kept
    // The full-text index followed every row (its trigger), and is consistent.
    const hits = store.db
      .prepare("SELECT count(*) FROM samples_fts WHERE samples_fts MATCH 'think'")
      .pluck()
      .get();
    expect(hits).toBe(1073);
    store.db.prepare("INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 0)").run();
  });

  it('round-trips the full Sample record, verdicts and filter results', () => {
    const run = store.createRun({ name: 'g', kind: 'generate' });
    const sample = makeSample({ runId: run.id, problemId: 'p1', sampleIdx: 2 });
    sample.filters = [{ name: 'len', version: '1', params: { max: 9 }, passed: true, matches: [] }];
    store.insertSamples([sample]);
    expect(store.getSample(sample.id)).toEqual(sample);

    const verdict = {
      correct: true,
      extracted: '3',
      extractor: 'boxed',
      method: 'numeric',
      verifierVersion: '1',
    };
    expect(
      store.setVerdicts([
        { sampleId: sample.id, verdict },
        { sampleId: 'ghost', verdict },
      ]),
    ).toBe(1);
    store.saveFilterResults([
      { sampleId: sample.id, name: 'len', version: '2', params: {}, passed: false, matches: ['too long'] },
      { sampleId: sample.id, name: 'lang', version: '1', params: {}, passed: true, matches: [] },
    ]);
    const back = store.getSample(sample.id)!;
    expect(back.verdict).toEqual(verdict);
    expect(back.filters).toEqual([
      { name: 'lang', version: '1', params: {}, passed: true, matches: [] },
      { name: 'len', version: '2', params: {}, passed: false, matches: ['too long'] },
    ]);
  });

  it('rejects invalid samples and samples of unknown runs', () => {
    const run = store.createRun({ name: 'g', kind: 'generate' });
    const bad = { ...makeSample({ runId: run.id, problemId: 'p' }), sampleIdx: -1 };
    expect(() => store.insertSamples([bad])).toThrow(/Invalid sample/);
    expect(() => store.insertSamples([makeSample({ runId: 'nope', problemId: 'p' })])).toThrow(/run/);
    expect(store.countSamples(run.id)).toBe(0);
  });

  it('streams samples in batches with filters, while writes go on between batches', () => {
    const run = store.createRun({ name: 'g', kind: 'generate' });
    const samples = Array.from({ length: 25 }, (_, i) => makeSample({ runId: run.id, problemId: `p${i}` }));
    store.insertSamples(samples);
    const sizes: number[] = [];
    for (const batch of store.iterateSampleBatches(run.id, { batchSize: 10 })) {
      sizes.push(batch.length);
      // Mark even problems correct while iterating.
      store.setVerdicts(
        batch.map((s) => ({
          sampleId: s.id,
          verdict: {
            correct: Number(s.problem.id.slice(1)) % 2 === 0,
            extracted: null,
            extractor: null,
            method: 'exact',
            verifierVersion: '1',
          },
        })),
      );
    }
    expect(sizes).toEqual([10, 10, 5]);
    const ids = [...store.iterateSamples(run.id, { batchSize: 7 })].map((s) => s.problem.id);
    expect(ids).toEqual(samples.map((s) => s.problem.id));
    expect(store.countSamples(run.id, { correct: true })).toBe(13);
    expect(store.countSamples(run.id, { hasVerdict: false })).toBe(0);
    const odd = [...store.iterateSamples(run.id, { where: { correct: false }, batchSize: 4 })];
    expect(odd).toHaveLength(12);
    store.saveFilterResults([
      { sampleId: odd[0]!.id, name: 'f', version: '1', params: {}, passed: false, matches: [] },
    ]);
    expect(store.countSamples(run.id, { passedFilters: false })).toBe(1);
    expect(store.countSamples(run.id, { passedFilters: true })).toBe(24);
    expect(store.countSamples(run.id, { problemIds: ['p1', 'p2', 'zz'] })).toBe(2);
  });

  it('stops iterating when the signal aborts', () => {
    const run = store.createRun({ name: 'g', kind: 'generate' });
    store.insertSamples(
      Array.from({ length: 5 }, (_, i) => makeSample({ runId: run.id, problemId: `p${i}` })),
    );
    const controller = new AbortController();
    const seen: string[] = [];
    expect(() => {
      for (const s of store.iterateSamples(run.id, { batchSize: 2, signal: controller.signal })) {
        seen.push(s.id);
        controller.abort();
      }
    }).toThrow();
    expect(seen).toHaveLength(2);
  });
});

describe('failures and report', () => {
  it('records every failure, counts them by kind, and reports the run', () => {
    const run = store.createRun({ name: 'g', kind: 'generate', config: { temperature: 0.6 } });
    const ok = makeSample({ runId: run.id, problemId: 'p1', usage: { input: 7, reasoning: 30, output: 3 } });
    store.insertSamples([ok, makeSample({ runId: run.id, problemId: 'p2' })]);
    store.recordFailure({
      runId: run.id,
      requestKey: ok.id,
      kind: 'rate-limit',
      message: '429',
      attempt: 1,
      status: 'retried',
      httpStatus: 429,
      detail: { retryAfter: 2 },
    });
    store.recordFailure({
      runId: run.id,
      requestKey: 'k3',
      kind: 'timeout',
      message: 'slow',
      attempt: 1,
      status: 'retried',
    });
    store.recordFailure({
      runId: run.id,
      requestKey: 'k3',
      kind: 'timeout',
      message: 'slow',
      attempt: 2,
      status: 'gave-up',
    });
    expect(() =>
      store.recordFailure({
        runId: 'nope',
        requestKey: 'k',
        kind: 'x',
        message: '',
        attempt: 1,
        status: 'gave-up',
      }),
    ).toThrow(/not in the store/);
    expect(store.failureCounts(run.id)).toEqual({
      'rate-limit': { events: 1, retried: 1, gaveUp: 0 },
      timeout: { events: 2, retried: 1, gaveUp: 1 },
    });
    store.updateRun(run.id, { status: 'completed', summary: { requested: 3, costUsd: 0.25, wallMs: 1234 } });
    const report = store.runReport('g');
    expect(report.teacher).toBe('openai-compatible:test-teacher');
    expect(report.settings).toEqual({ temperature: 0.6 });
    expect(report.counts).toMatchObject({ requested: 3, completed: 2, unresolved: 1, duplicates: 0 });
    expect(report.tokens).toEqual({ input: 17, reasoning: 80, output: 8, total: 105 });
    expect(report.costUsd).toBe(0.25);
    expect(report.wallMs).toBe(1234);
    expect(store.integrityCheck()).toBe('ok');
  });
});
