import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curationDecisions } from '../store/curate-queries.ts';
import { curateRun } from './curate-run.ts';
import { exportRun } from './export/export-run.ts';
import { storeWithRun } from './testing/fixture-run.ts';
import { plantedRun } from './testing/planted-run.ts';

/**
 * Generation stores replies in the order they arrive, which changes with concurrency. Curation (which duplicate is
 * kept) and export (row order, hence the trainer's data order) must not: the same replies give the same dataset.
 */
describe('curate + export are independent of the order samples were stored in', () => {
  const { inputs, expected } = plantedRun();
  const forward = storeWithRun('gen-order', inputs);
  const backward = storeWithRun('gen-order', [...inputs].reverse());
  // A third order: odd positions first, then even ones.
  const shuffled = storeWithRun('gen-order', [
    ...inputs.filter((_, i) => i % 2 === 1),
    ...inputs.filter((_, i) => i % 2 === 0),
  ]);
  const all = [forward, backward, shuffled];
  afterAll(() => {
    for (const c of all) c.dispose();
  });

  it('keeps the same duplicate and writes byte-identical training rows', async () => {
    const exported: string[] = [];
    const reasons: Record<string, string>[] = [];
    for (const ctx of all) {
      await curateRun(ctx.store, 'gen-order', { decontaminate: ['gsm8k'] });
      const byKey = new Map(ctx.samples.map((s) => [s.id, `${s.problem.id}#${s.sampleIdx}`]));
      reasons.push(
        Object.fromEntries(
          curationDecisions(ctx.store.db, ctx.runId).map((d) => [byKey.get(d.sampleId), d.reason ?? 'kept']),
        ),
      );
      const out = join(ctx.dir, 'export');
      await exportRun(ctx.store, 'gen-order', { outDir: out });
      exported.push(readFileSync(join(out, 'train.jsonl'), 'utf8'));
    }
    // The planted duplicate prompt p5 comes after p1 by problem id, so p5 is the one dropped in every order
    // (stored backwards, p5 arrived first and used to be kept while p1#0 was dropped).
    expect(reasons[1]).toEqual(reasons[0]);
    expect(reasons[2]).toEqual(reasons[0]);
    expect(reasons[0]?.['p5#0']).toBe(expected['p5#0']);
    expect(reasons[0]?.['p3#2']).toBe(expected['p3#2']);
    expect(exported[0]?.length).toBeGreaterThan(0);
    expect(exported[1]).toBe(exported[0]);
    expect(exported[2]).toBe(exported[0]);
  });
});
