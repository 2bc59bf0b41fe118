/**
 * bench/train: training throughput of the PyTorch worker against this machine's matmul limit.
 *
 *   npx tsx bench/train.ts [--presets micro,small] [--steps 5] [--threads 2]
 *
 * For each preset: tokens/s (random tokens, packed rows of 256, 4096 tokens per step), model FLOPs per token
 * (6·N + 6·layers·T·d), GFLOPS of torch.mm measured on the model's own linear shapes in the same process, and the
 * ratio achieved/limit (target ≥ 0.4 on the larger preset); peak RSS. Then 2 ranks (torchrun, gloo, 1 thread each)
 * vs 1 rank (1 thread) on the first preset: the DDP throughput ratio.
 */
import { runWorker } from '../src/train/worker.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const presets = opt('presets', 'micro,small').split(',');
const steps = opt('steps', '5');
const threads = opt('threads', '2');

async function bench(preset: string, nproc: number, t: string): Promise<Record<string, unknown>> {
  const { done } = await runWorker(['bench', '--preset', preset, '--steps', steps, '--threads', t], {
    nproc,
  });
  return done;
}

const rows: Record<string, unknown>[] = [];
for (const preset of presets) rows.push(await bench(preset, 1, threads));
console.log('preset   params      tok/s   MFLOP/tok  achieved GFLOPS  matmul GFLOPS  ratio  peak RSS MB');
for (const r of rows)
  console.log(
    `${String(r.preset).padEnd(8)} ${String(r.params).padStart(9)} ${String(r.tokensPerS).padStart(9)} ${(Number(r.flopsPerToken) / 1e6).toFixed(2).padStart(10)} ${String(r.achievedGflops).padStart(16)} ${String(r.matmulGflops).padStart(14)} ${String(r.ratio).padStart(6)} ${String(r.peakRssMb).padStart(12)}`,
  );
const last = rows.at(-1);
console.log(`ratio achieved/limit on ${last?.preset}: ${last?.ratio} (target ≥ 0.4)`);
const first = presets[0] ?? 'micro';
const one = await bench(first, 1, '1');
const two = await bench(first, 2, '1');
console.log(
  `DDP ${first}: 1 rank ${one.tokensPerS} tok/s, 2 ranks ${two.tokensPerS} tok/s, ratio ${(Number(two.tokensPerS) / Number(one.tokensPerS)).toFixed(2)} (ideal 2.0 on 2 free cores)`,
);
