// Store write throughput: samples inserted in batched transactions vs one sample per transaction.
// Run: npx tsx bench/store.ts [rows]   (prints rows/s for both and the ratio; durability NORMAL and FULL)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSample } from '../src/store/__fixtures__/make-sample.ts';
import { openStore } from '../src/store/open-store.ts';

const rows = Number(process.argv[2] ?? 20_000);
const singleRows = Math.min(rows, 2_000);
const batchSize = 500;
const dir = mkdtempSync(join(tmpdir(), 'distill-bench-store-'));

function measure(durability: 'normal' | 'full', count: number, perTransaction: number): number {
  using store = openStore(join(dir, `${durability}-${perTransaction}.sqlite`), { durability });
  const run = store.createRun({ name: 'bench', kind: 'generate' });
  const samples = Array.from({ length: count }, (_, i) =>
    makeSample({ runId: run.id, problemId: `p${i}`, reasoningChars: 1500 }),
  );
  const start = performance.now();
  for (let i = 0; i < samples.length; i += perTransaction) {
    store.insertSamples(samples.slice(i, i + perTransaction));
  }
  const seconds = (performance.now() - start) / 1000;
  if (store.countSamples(run.id) !== count) throw new Error('bench lost rows');
  return count / seconds;
}

try {
  for (const durability of ['normal', 'full'] as const) {
    const batched = measure(durability, rows, batchSize);
    const single = measure(durability, singleRows, 1);
    console.log(
      `store insert (${durability}): batched ${batchSize}/tx ${Math.round(batched)} rows/s, ` +
        `1/tx ${Math.round(single)} rows/s, ratio ${(batched / single).toFixed(1)}x`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
