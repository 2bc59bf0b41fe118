import { describe, expect, it } from 'vitest';
import { verifyAnswer } from '../verify/verify-answer.ts';
import { curateRun } from './curate-run.ts';
import { storeWithRun } from './testing/fixture-run.ts';
import { plantedRun } from './testing/planted-run.ts';
import { createBatchSampleVerifier } from './verify-sample.ts';

describe('curateRun with an asynchronous batch verifier (verifyMany)', () => {
  it('checks each distinct (kind, gold, answer) once and gives the same verdicts as the default verifier', async () => {
    const { inputs } = plantedRun();
    const a = storeWithRun('gen-sync', inputs);
    const b = storeWithRun('gen-async', inputs);
    try {
      const sync = await curateRun(a.store, 'gen-sync');
      let checked = 0;
      const many = createBatchSampleVerifier(async (pairs) => {
        checked += pairs.length;
        return pairs.map((p) => ({ ...verifyAnswer(p), verifierVersion: 'async-test' }));
      });
      const batched = await curateRun(b.store, 'gen-async', { verifyMany: many, batchSize: 5 });
      expect(batched.verification).toEqual(sync.verification);
      expect(batched.kept).toBe(sync.kept);
      expect(checked).toBeGreaterThan(0);
      expect(checked).toBeLessThanOrEqual(inputs.length);
      const stored = [...b.store.iterateSampleBatches(b.runId, { batchSize: 100 })].flat();
      const versions = new Set(stored.map((s) => s.verdict?.verifierVersion));
      expect(versions).toEqual(new Set(['async-test']));
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
