import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '../../core/sample.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { type SyntheticSampleInput, syntheticSample } from './synthetic-samples.ts';

/** A real store file in a fresh temp folder, with one run holding `samples`. Call `dispose` when done. */
export function storeWithRun(
  runName: string,
  inputs: ReadonlyArray<Omit<SyntheticSampleInput, 'runId'>>,
): { store: Store; dir: string; runId: string; samples: Sample[]; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'distill-curate-'));
  const store = openStore(join(dir, 'distill.sqlite'));
  const run = store.createRun({ name: runName, kind: 'generate', status: 'completed' });
  const samples = inputs.map((i) => syntheticSample({ ...i, runId: run.id }));
  store.insertSamples(samples);
  return {
    store,
    dir,
    runId: run.id,
    samples,
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
