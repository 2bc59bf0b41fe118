/**
 * Decode speed of the runtime against raw `llama_decode` on the same GGUF and the same prompt (REFERENCE.md §5).
 *
 *   npx tsx bench/decode.ts [model.gguf] [--tokens 256] [--batch 16] [--threads N] [--nlc]
 *
 * --threads N: CPU threads for the runtime and the multi-thread raw loop (default: what the runtime picks for this
 * model and the free cores). Without a model it builds a random-init `micro` student (~0.9M params) with the
 * trainer. Every loop prefills the same rendered chat prompt in one decode, then decodes greedily until
 * end-of-generation or --tokens; rates count generated tokens over the whole run (prefill included). Prints tok/s (wall, and per CPU-second of this process)
 * for raw llama_decode on 1 and N threads, runtime single-stream, runtime batched (aggregate), and with --nlc
 * node-llama-cpp's LlamaContextSequence.evaluate; then the issue-14 ratios: single ≥ 0.95× raw (same threads),
 * single ≥ 1.0× node-llama-cpp, batched ≥ 0.8 × threads × raw(1 thread).
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
import { chooseThreads } from '../src/runtime/threads.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string' },
    tokens: { type: 'string', default: '256' },
    batch: { type: 'string', default: '16' },
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

/** Prefill `prompt` in one decode, then `tokens` greedy single-token decodes (argmax in JS), on `threads`. */
function rawDecode(file: string, prompt: number[], tokens: number, threads: number): Promise<Rate> {
  const lib = llamaLib();
  const model = NativeModel.load(file);
  const cap = Math.max(64, prompt.length);
  const params = lib.contextDefaultParams();
  Object.assign(params, {
    n_ctx: prompt.length + tokens + 64,
    n_batch: cap,
    n_ubatch: cap,
    n_seq_max: 1,
    n_threads: threads,
    n_threads_batch: threads,
    no_perf: true,
  });
  const ctx = lib.initFromModel(model.ptr, params);
  const batch = lib.batchInit(cap, 0, 1);
  const tok = lib.viewInts(batch.token, cap);
  const pos = lib.viewInts(batch.pos, cap);
  const out = lib.viewBytes(batch.logits, cap);
  lib.viewInts(batch.n_seq_id, cap).fill(1);
  for (const p of lib.decodePointerArray(batch.seq_id, cap)) lib.viewInts(p, 1)[0] = 0;
  const rate = timed(() => {
    prompt.forEach((t, i) => {
      tok[i] = t;
      pos[i] = i;
      out[i] = i === prompt.length - 1 ? 1 : 0;
    });
    batch.n_tokens = prompt.length;
    lib.decode(ctx, batch);
    let logits = lib.viewFloats(lib.getLogitsIth(ctx, prompt.length - 1), model.nVocab);
    out[0] = 1;
    batch.n_tokens = 1;
    let i = 0;
    for (; i < tokens; i++) {
      let best = 0;
      for (let t = 1; t < logits.length; t++) if ((logits[t] as number) > (logits[best] as number)) best = t;
      if (i > 0 && model.isEog(best)) break; // stop where the runtime stops (it never ends on the first token)
      tok[0] = best;
      pos[0] = prompt.length + i;
      lib.decode(ctx, batch);
      logits = lib.viewFloats(lib.getLogitsIth(ctx, 0), model.nVocab);
    }
    return i;
  });
  return rate.finally(() => {
    lib.batchFree(batch);
    lib.free(ctx);
    model.free();
  });
}

async function nodeLlamaCpp(file: string, prompt: number[], tokens: number, threads: number): Promise<Rate> {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath: file });
  const context = await model.createContext({ contextSize: prompt.length + tokens + 64, threads });
  const seq = context.getSequence();
  const rate = await timed(async () => {
    let n = 0;
    // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp's Token is a branded number
    for await (const _ of seq.evaluate(prompt as any, { temperature: 0 })) if (++n >= tokens) break;
    return n;
  });
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  return rate;
}

const request = (i: number) => ({
  messages: [{ role: 'user' as const, content: `Problem ${i}: what is ${i} + ${i}? Explain step by step.` }],
  maxTokens: N,
  temperature: 0,
  thinking: { enabled: false },
});

const params = NativeModel.load(path);
const threads = values.threads ? Number(values.threads) : chooseThreads(params.info.params);
const description = `${params.info.metadata['general.name'] ?? path}, ${(params.info.params / 1e6).toFixed(1)}M params`;
params.free();

const generated = (t: { usage: { reasoning: number; output: number } }) => t.usage.reasoning + t.usage.output;
let prompt: number[] = [];
const single = await (async () => {
  await using model = await loadModel(path, { slots: 1, contextPerSequence: N + 512, threads });
  prompt = model.tokenize(model.renderPrompt(request(1)));
  await model.generate({ ...request(0), maxTokens: 8 }); // warm-up
  return await timed(async () => generated(await model.generate(request(1))));
})();
const raw1 = await rawDecode(path, prompt, N, 1);
const rawN = threads === 1 ? raw1 : await rawDecode(path, prompt, N, threads);
const batched = await (async () => {
  await using model = await loadModel(path, { slots: B, contextPerSequence: N + 512, threads });
  return await timed(async () => {
    const traces = await model.generateBatch(Array.from({ length: B }, (_, i) => request(i)));
    return traces.reduce((s, t) => s + generated(t), 0);
  });
})();
const nlc = values.nlc ? await nodeLlamaCpp(path, prompt, N, threads) : undefined;

const f = (r: Rate) => `${r.wall.toFixed(0).padStart(6)} tok/s  ${r.cpu.toFixed(0).padStart(6)} tok/cpu-s`;
const ratio = (a: Rate, b: Rate) =>
  `${(a.wall / b.wall).toFixed(2)}× wall, ${(a.cpu / b.cpu).toFixed(2)}× cpu`;
const ceiling = { wall: threads * raw1.wall, cpu: raw1.cpu };
process.stdout.write(
  [
    `model: ${description} (${path})`,
    `prompt ${prompt.length} tokens, ${N} generated per sequence, batch ${B}, runtime threads ${threads}`,
    `raw llama_decode, 1 thread      ${f(raw1)}`,
    ...(threads === 1 ? [] : [`raw llama_decode, ${threads} threads     ${f(rawN)}`]),
    `runtime single-stream           ${f(single)}   vs raw (${threads} thr): ${ratio(single, rawN)} (target ≥ 0.95)`,
    `runtime batched (${String(B).padStart(3)} seq)      ${f(batched)}   vs ${threads} × raw(1 thr): ${ratio(batched, ceiling)} (target ≥ 0.8)`,
    ...(nlc === undefined
      ? []
      : [
          `node-llama-cpp evaluate         ${f(nlc)}   runtime single vs it: ${ratio(single, nlc)} (target ≥ 1.0)`,
        ]),
    '',
  ].join('\n'),
);
if (tmp) rmSync(tmp, { recursive: true, force: true });
