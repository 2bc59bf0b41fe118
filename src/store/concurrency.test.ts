import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSample } from './__fixtures__/make-sample.ts';
import { openStore } from './open-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'distill-conc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('several connections on one store', () => {
  it('sets the durability pragmas asked for', () => {
    using normal = openStore(join(dir, 'a.sqlite'));
    using full = openStore(join(dir, 'b.sqlite'), { durability: 'full', busyTimeoutMs: 1234 });
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(full.db.pragma('busy_timeout', { simple: true })).toBe(1234);
  });

  it('lets a reader stream while a writer commits, and sees the commits afterwards', () => {
    const path = join(dir, 's.sqlite');
    using writer = openStore(path);
    using reader = openStore(path);
    const run = writer.createRun({ name: 'g', kind: 'generate' });
    writer.insertSamples(
      Array.from({ length: 10 }, (_, i) => makeSample({ runId: run.id, problemId: `a${i}` })),
    );
    let seen = 0;
    for (const batch of reader.iterateSampleBatches(run.id, { batchSize: 4 })) {
      seen += batch.length;
      writer.insertSamples([makeSample({ runId: run.id, problemId: `b${seen}` })]);
    }
    // Keyset pagination picks up rows committed during the iteration, after the ones already read.
    expect(seen).toBe(13);
    expect(reader.countSamples(run.id)).toBe(14); // the last insert came after the final (short) page
  });

  it('turns a write lock held past the busy timeout into a StoreError', () => {
    const path = join(dir, 's.sqlite');
    using holder = openStore(path);
    using other = openStore(path, { busyTimeoutMs: 50 });
    const run = holder.createRun({ name: 'g', kind: 'generate' });
    holder.db.exec('BEGIN IMMEDIATE');
    try {
      expect(() => other.insertSamples([makeSample({ runId: run.id, problemId: 'p' })])).toThrow(
        /busy: another process holds its write lock/,
      );
    } finally {
      holder.db.exec('ROLLBACK');
    }
    expect(other.insertSamples([makeSample({ runId: run.id, problemId: 'p' })])).toBe(1);
  });
});
