import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import { getTrainRun } from '../../store/train-queries.ts';
import { recordTrainRun } from './_train-record.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'distill-train-record-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('distill train records its run in the store', () => {
  it('a train run with its out path, run folder, status, steps, losses and wall time', () => {
    const store = join(dir, 'store.sqlite');
    const out = join(dir, 'student.gguf');
    const rec = recordTrainRun(
      { store },
      { out, runDir: join(dir, 'student.run'), config: { preset: 'pico' } },
      0,
    );
    // While it trains, a reader sees it running with the latest step.
    rec.onEvent({ type: 'start', totalSteps: 10 });
    rec.onEvent({ type: 'step', step: 3, totalSteps: 10, loss: 2.5, lr: 0.001, tokensPerS: 900, etaS: 1 });
    rec.onEvent({ type: 'eval', step: 3, evalLoss: 2.75 });
    const reader = openStore(store, { readonly: true });
    try {
      const running = reader.getRun(out)!;
      expect(running).toMatchObject({ kind: 'train', status: 'running', config: { preset: 'pico' } });
      expect(getTrainRun(reader.db, running.id)).toMatchObject({
        outPath: out,
        runDir: join(dir, 'student.run'),
        steps: 3,
        totalSteps: 10,
        loss: 2.5,
        evalLoss: 2.75,
      });
      rec.finish('completed', { steps: 10, loss: 1.25, evalLoss: null });
      const done = reader.getRun(out)!;
      expect(done.status).toBe('completed');
      expect(done.finishedAt).not.toBeNull();
      expect(done.summary).toMatchObject({ steps: 10, loss: 1.25, evalLoss: 2.75 });
      expect(typeof done.summary.wallMs).toBe('number');
      expect(getTrainRun(reader.db, done.id)).toMatchObject({ steps: 10, loss: 1.25, evalLoss: 2.75 });
    } finally {
      reader.close();
    }
  });

  it('a retrain to the same output reuses the run; a failure is recorded as failed', () => {
    const store = join(dir, 'store.sqlite');
    const out = join(dir, 'student.gguf');
    const first = recordTrainRun({ store }, { out, runDir: join(dir, 'a.run'), config: {} });
    first.finish('failed');
    const second = recordTrainRun({ store }, { out, runDir: join(dir, 'b.run'), config: {} });
    expect(second.runId).toBe(first.runId);
    second.finish('interrupted');
    const reader = openStore(store, { readonly: true });
    try {
      expect(reader.listRuns({ kind: 'train' })).toHaveLength(1);
      expect(reader.getRun(out)!.status).toBe('interrupted');
      expect(getTrainRun(reader.db, first.runId)!.runDir).toBe(join(dir, 'b.run'));
    } finally {
      reader.close();
    }
  });
});
