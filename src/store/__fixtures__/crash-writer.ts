// Child process of the crash-safety test: inserts batches of rows in a loop until killed.
// argv: <store path> <rows per batch>. Prints "begin N" just before each batched write and "batch N" after its
// commit, so the parent can aim its SIGKILL inside the transaction.
import { openStore } from '../open-store.ts';
import { makeSample } from './make-sample.ts';

const [path, perBatchArg] = process.argv.slice(2);
if (!path) throw new Error('usage: crash-writer <store> [rowsPerBatch]');
const perBatch = Number(perBatchArg ?? 100);
const store = openStore(path);
const { run } = store.ensureRun({ name: 'crash', kind: 'generate' });
let batch = Math.floor(store.countSamples(run.id) / perBatch);
for (;;) {
  const samples = Array.from({ length: perBatch }, (_, i) =>
    makeSample({ runId: run.id, problemId: `b${batch}-p${i}`, meta: { batch }, reasoningChars: 2000 }),
  );
  process.stdout.write(`begin ${batch}\n`);
  store.insertSamples(samples);
  process.stdout.write(`batch ${batch}\n`);
  batch += 1;
}
