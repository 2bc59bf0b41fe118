/**
 * Decode speed of the runtime against raw `llama_decode` on the same GGUF (REFERENCE.md §5).
 *
 *   npx tsx bench/decode.ts [model.gguf] [--tokens 256] [--batch 32] [--nlc]
 *
 * --threads-batch N: CPU threads for batched decode calls (default 1; more helps on idle multi-core machines).
 * Without a model it builds a random-init `micro` student (~0.9M params) with the trainer. Prints tok/s for:
 * raw llama_decode (1 sequence, greedy in JS), runtime single-stream, runtime batched (aggregate), and with --nlc
 * node-llama-cpp's LlamaContextSequence.evaluate; then the ratios (targets: single ≥ 0.8× raw, batched ≥ 10× single).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { llamaLib } from '../src/runtime/llama/ffi.ts';
import { loadModel } from '../src/runtime/local-model.ts';
import { NativeModel } from '../src/runtime/native-model.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'threads-batch': { type: 'string', default: '1' },
    tokens: { type: 'string', default: '256' },
    batch: { type: 'string', default: '32' },
    nlc: { type: 'boolean', default: false },
  },
});
const N = Number(values.tokens);
const B = Number(values.batch);
let tmp: string | undefined;
let path = positionals[0];
if (!path) {
  tmp = mkdtempSync(join(tmpdir(), 'distill-bench-'));
  path = join(tmp, 'micro.gguf');
  const key = createHash('sha256')
    .update(readFileSync('trainer/requirements.txt'))
    .digest('hex')
    .slice(0, 16);
  const python = join(homedir(), '.cache', 'distill', 'venvs', key, 'bin', 'python');
  execFileSync(python, ['-m', 'distill_trainer', 'init', '--preset', 'micro', '--out', path], {
    cwd: 'trainer',
    stdio: 'ignore',
  });
}

interface Rate {
  wall: number;
  cpu: number;
}

/** Tokens per wall second and per CPU second of this process (CPU time is robust to a busy, shared machine). */
async function timed(run: () => Promise<number> | number): Promise<Rate> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const tokens = await run();
  const c = process.cpuUsage(c0);
  return { wall: tokens / ((performance.now() - t0) / 1000), cpu: tokens / ((c.user + c.system) / 1e6) };
}

function rawDecode(file: string, tokens: number, measure: (run: () => number) => void): void {
  const lib = llamaLib();
  const model = NativeModel.load(file);
  const params = lib.contextDefaultParams();
  Object.assign(params, {
    n_ctx: tokens + 64,
    n_batch: 64,
    n_ubatch: 64,
    n_seq_max: 1,
    n_threads: 1,
    n_threads_batch: 1,
    no_perf: true,
  });
  const ctx = lib.initFromModel(model.ptr, params);
  const batch = lib.batchInit(64, 0, 1);
  const tok = lib.viewInts(batch.token, 64);
  const pos = lib.viewInts(batch.pos, 64);
  const nSeq = lib.viewInts(batch.n_seq_id, 64);
  const out = lib.viewBytes(batch.logits, 64);
  const seq = lib.viewInts(lib.decodePointerArray(batch.seq_id, 1)[0], 1);
  nSeq[0] = 1;
  seq[0] = 0;
  out[0] = 1;
  tok[0] = model.bos;
  batch.n_tokens = 1;
  measure(() => {
    for (let i = 0; i < tokens; i++) {
      pos[0] = i;
      lib.decode(ctx, batch);
      const logits = lib.viewFloats(lib.getLogitsIth(ctx, 0), model.nVocab);
      let best = 0;
      for (let t = 1; t < logits.length; t++) if ((logits[t] as number) > (logits[best] as number)) best = t;
      tok[0] = best;
    }
    return tokens;
  });
  lib.batchFree(batch);
  lib.free(ctx);
  model.free();
}

async function nodeLlamaCpp(file: string, tokens: number): Promise<Rate> {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath: file });
  const context = await model.createContext({ contextSize: tokens + 64, threads: 1 });
  const seq = context.getSequence();
  const rate = await timed(async () => {
    let n = 0;
    for await (const _ of seq.evaluate(model.tokenize('<s>', true), { temperature: 0 }))
      if (++n >= tokens) break;
    return n;
  });
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  return rate;
}

const request = (i: number) => ({
  messages: [{ role: 'user' as const, content: `Problem ${i}: what is ${i} + ${i}?` }],
  maxTokens: N,
  temperature: 0,
});

let raw: Rate = { wall: 0, cpu: 0 };
rawDecode(path, N, (run) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const n = run();
  const c = process.cpuUsage(c0);
  raw = { wall: n / ((performance.now() - t0) / 1000), cpu: n / ((c.user + c.system) / 1e6) };
});
const single = await (async () => {
  await using model = await loadModel(path, { slots: 1, contextPerSequence: N + 128 });
  await model.generate(request(0)); // warm-up
  return await timed(async () => {
    const trace = await model.generate(request(1));
    return trace.usage.reasoning + trace.usage.output;
  });
})();
const batched = await (async () => {
  await using model = await loadModel(path, {
    slots: B,
    contextPerSequence: N + 128,
    threadsBatch: Number(values['threads-batch']),
  });
  return await timed(async () => {
    const traces = await model.generateBatch(Array.from({ length: B }, (_, i) => request(i)));
    return traces.reduce((s, t) => s + t.usage.reasoning + t.usage.output, 0);
  });
})();
const nlc = values.nlc ? await nodeLlamaCpp(path, Math.min(N, 128)) : undefined;

const f = (r: Rate) => `${r.wall.toFixed(0).padStart(6)} tok/s  ${r.cpu.toFixed(0).padStart(6)} tok/cpu-s`;
const ratio = (a: Rate, b: Rate, digits: number) =>
  `${(a.wall / b.wall).toFixed(digits)}× wall, ${(a.cpu / b.cpu).toFixed(digits)}× cpu`;
process.stdout.write(
  [
    `model: ${path} (${N} tokens per sequence, batch ${B}, 1 thread; batched decode ${values['threads-batch']} thread(s))`,
    `raw llama_decode            ${f(raw)}`,
    `runtime single-stream       ${f(single)}   vs raw: ${ratio(single, raw, 2)} (target ≥ 0.8)`,
    `runtime batched (${String(B).padStart(3)} seq)  ${f(batched)}   vs single: ${ratio(batched, single, 1)} (target ≥ 10)`,
    ...(nlc === undefined
      ? []
      : [`node-llama-cpp evaluate     ${f(nlc)}   runtime single vs it: ${ratio(single, nlc, 1)}`]),
    '',
  ].join('\n'),
);
if (tmp) rmSync(tmp, { recursive: true, force: true });
