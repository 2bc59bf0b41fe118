/**
 * bench/train: training throughput of the PyTorch worker against this machine's matmul limit.
 *
 *   npx tsx bench/train.ts [--presets micro,small] [--steps 5] [--threads 2] [--base FILE.gguf|none]
 *                          [--base-steps 2] [--lora-rank 16]
 *
 * For each preset: tokens/s (random tokens, packed rows of 256, 4096 tokens per step), model FLOPs per token
 * (6·N + 6·layers·T·d), GFLOPS of torch.mm measured on the model's own linear shapes in the same process, and the
 * ratio achieved/limit (target ≥ 0.4 on the larger preset); peak RSS. Then 2 ranks (torchrun, gloo, 1 thread each)
 * vs 1 rank (1 thread) on the first preset: the DDP throughput ratio.
 * Then a real base (default: the cached SmolLM2-135M-Instruct, dequantized), full fine-tuning and LoRA: tokens/s
 * and achieved/limit FLOPs (6·N·tokens/s against torch.mm on its own shapes, measured in the same process).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { modelCacheDir, SMOLLM2_FILE } from '../src/train/testing/smollm2.ts';
import { runWorker } from '../src/train/worker.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const presets = opt('presets', 'micro,small').split(',');
const steps = opt('steps', '5');
const threads = opt('threads', '2');

async function bench(
  preset: string,
  nproc: number,
  t: string,
  extra: string[] = [],
): Promise<Record<string, unknown>> {
  const { done } = await runWorker(
    ['bench', '--preset', preset, '--steps', steps, '--threads', t, ...extra],
    {
      nproc,
    },
  );
  return done;
}

const baseArg = opt('base', join(modelCacheDir(), SMOLLM2_FILE));
const baseSteps = opt('base-steps', '2');
const loraRank = opt('lora-rank', '16');

const rows: Record<string, unknown>[] = [];
for (const preset of presets) rows.push(await bench(preset, 1, threads));
const baseRows: Record<string, unknown>[] = [];
if (baseArg !== 'none' && existsSync(baseArg))
  for (const rank of ['0', loraRank]) {
    const args = ['--base', baseArg, '--lora-rank', rank, '--seq-len', '256', '--batch-tokens', '1024'];
    const r = await runWorker(['bench', ...args, '--steps', baseSteps, '--threads', threads]);
    baseRows.push({ ...r.done, preset: rank === '0' ? 'base full' : `base LoRA r${rank}` });
  }
else if (baseArg !== 'none')
  console.log(`(no ${baseArg}: skipping the real-base rows; pass --base FILE.gguf)`);
console.log('preset   params      tok/s   MFLOP/tok  achieved GFLOPS  matmul GFLOPS  ratio  peak RSS MB');
for (const r of [...rows, ...baseRows])
  console.log(
    `${String(r.preset).padEnd(8)} ${String(r.params).padStart(9)} ${String(r.tokensPerS).padStart(9)} ${(Number(r.flopsPerToken) / 1e6).toFixed(2).padStart(10)} ${String(r.achievedGflops).padStart(16)} ${String(r.matmulGflops).padStart(14)} ${String(r.ratio).padStart(6)} ${String(r.peakRssMb).padStart(12)}`,
  );
const last = rows.at(-1);
console.log(`ratio achieved/limit on ${last?.preset}: ${last?.ratio} (target ≥ 0.4)`);
for (const r of baseRows)
  console.log(
    `${r.preset} (${baseArg.split('/').at(-1)}): ${r.tokensPerS} tok/s, achieved/limit ${r.ratio} (${r.achievedGflops} of ${r.matmulGflops} GFLOPS; 6·N per token, ${r.trainable} of ${r.params} params trained)`,
  );
const first = presets[0] ?? 'micro';
const one = await bench(first, 1, '1');
const two = await bench(first, 2, '1');
console.log(
  `DDP ${first}: 1 rank ${one.tokensPerS} tok/s, 2 ranks ${two.tokensPerS} tok/s, ratio ${(Number(two.tokensPerS) / Number(one.tokensPerS)).toFixed(2)} (ideal 2.0 on 2 free cores)`,
);
