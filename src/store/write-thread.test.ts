import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import { fromWireError } from '../core/errors/wire-error.ts';
import { makeSample } from './__fixtures__/make-sample.ts';
import { openStore } from './open-store.ts';
import { sampleRow } from './sample-queries.ts';
import { openWriteChannel } from './write-thread.ts';
import { serializeError, WriteThreadRequestSchema } from './write-thread-protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-write-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (runId: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => sampleRow(makeSample({ runId, problemId: `p${from + i}` })));

describe('the sample write thread', () => {
  it('commits batches and the run summary in one transaction each, on its own connection, in order', async () => {
    using store = openStore(join(dir, 'ok.sqlite'));
    const run = store.createRun({ name: 'r', kind: 'generate' });
    const a = openWriteChannel(store);
    const b = openWriteChannel(store);
    await Promise.all([a.opened, b.opened]);
    const first = a.write({ rows: rows(run.id, 0, 10), run: { id: run.id, summary: { step: 1 } } });
    const second = a.write({ rows: rows(run.id, 5, 10), run: { id: run.id, summary: { step: 2 } } });
    // Another writer of the same file shares the thread's connection.
    const third = b.write({ rows: rows(run.id, 100, 3) });
    expect(await first).toBe(10);
    expect(await second).toBe(5); // p5..p9 were there already: idempotent
    expect(await third).toBe(3);
    expect(store.countSamples(run.id)).toBe(18);
    expect(store.requireRun('r').summary).toMatchObject({ step: 2 });
    await a.close();
    // The connection stays open for the other writer.
    expect(await b.write({ rows: rows(run.id, 200, 1) })).toBe(1);
    await b.close();
    await expect(b.write({ rows: rows(run.id, 300, 1) })).rejects.toBeInstanceOf(StoreError);
  });

  it('a batch for a run that is not in the store fails as NotFoundError with its code and hint', async () => {
    using store = openStore(join(dir, 'missing-run.sqlite'));
    const channel = openWriteChannel(store);
    const error = await channel.write({ rows: rows('no-such-run', 0, 2) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      what: 'run',
      code: 'E_NOT_FOUND',
      hint: expect.stringContaining('createRun'),
    });
    await channel.close();
    expect(store.db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(0);
  });

  it("opens with the store's busy timeout: a write lock held elsewhere fails the batch as a StoreError", async () => {
    const file = join(dir, 'busy.sqlite');
    using store = openStore(file, { busyTimeoutMs: 50 });
    const run = store.createRun({ name: 'r', kind: 'generate' });
    const channel = openWriteChannel(store);
    await channel.opened;
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    const error = await channel.write({ rows: rows(run.id, 0, 2) }).catch((e: unknown) => e);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'E_STORE', message: expect.stringContaining('busy') });
    // 50 ms, not the default 15 s.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await channel.write({ rows: rows(run.id, 0, 2) })).toBe(2);
    await channel.close();
  });

  it('the thread refuses a request of the wrong shape, and a value SQLite cannot store fails as StoreError', async () => {
    const bad = (rows: unknown) =>
      WriteThreadRequestSchema.safeParse({ op: 'write', id: 1, writer: 1, rows }).success;
    expect(bad([{ params: [], filters: [] }])).toBe(true);
    expect(bad([{ params: 'x', filters: [] }])).toBe(false);
    expect(bad([{ params: [] }])).toBe(false);
    expect(bad([{ params: [], filters: [{ sampleId: 's', name: 'f' }] }])).toBe(false);
    expect(WriteThreadRequestSchema.safeParse({ op: 'drop', id: 1, writer: 1 }).success).toBe(false);

    using store = openStore(join(dir, 'unstorable.sqlite'));
    const run = store.createRun({ name: 'r', kind: 'generate' });
    const [row] = rows(run.id, 0, 1);
    const channel = openWriteChannel(store);
    const error = await channel
      .write({ rows: [{ ...row!, params: row!.params.map((p, i) => (i === 5 ? { not: 'text' } : p)) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/^Writing samples to .*unstorable\.sqlite failed/),
    });
    await channel.close();
    expect(store.countSamples(run.id)).toBe(0);
  });

  it('refuses an in-memory store (its data is private to its connection)', () => {
    using store = openStore(':memory:');
    expect(() => openWriteChannel(store)).toThrow(InvalidInputError);
  });

  it('a raw SQLite failure crosses as a StoreError naming the file, the code and what to do', () => {
    const raw = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const rebuilt = fromWireError(serializeError(raw, '/data/store.sqlite'));
    expect(rebuilt).toBeInstanceOf(StoreError);
    expect(rebuilt.message).toBe(
      'Writing samples to /data/store.sqlite failed: database or disk is full (SQLITE_FULL)',
    );
    expect(rebuilt.hint).toMatch(/free disk space/);
  });
});
