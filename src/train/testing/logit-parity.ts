import { getLlama, type Token } from 'node-llama-cpp';
import { runWorker } from '../worker.ts';

/** Log-softmax of PyTorch's logits for every position of `tokens` (via the worker's `logits` command). */
export async function torchLogProbs(model: string, tokens: number[]): Promise<number[][]> {
  const { done } = await runWorker(['logits', '--model', model, '--tokens', tokens.join(',')]);
  const rows = done.logits as number[][];
  return rows.map((row) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    return row.map((x) => x - lse);
  });
}

/** Log-probabilities from llama.cpp (node-llama-cpp, full distribution) at every position of `text`. */
export async function llamaLogProbs(
  modelPath: string,
  text: string,
  options: { loraAdapter?: string } = {},
): Promise<{ tokens: number[]; logProbs: number[][] }> {
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  try {
    const tokens = model.tokenize(text, true) as number[];
    // F32 KV cache and no flash attention: llama.cpp's defaults (F16 K/V) round away more than the tolerance
    const ctx = await model.createContext({
      contextSize: 256,
      threads: 1,
      flashAttention: false,
      experimentalKvCacheKeyType: 'F32',
      experimentalKvCacheValueType: 'F32',
      ...(options.loraAdapter ? { lora: { adapters: [{ filePath: options.loraAdapter }] } } : {}),
    });
    const all = {
      generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } },
    };
    const res = await ctx.getSequence().controlledEvaluate(tokens.map((t) => [t as Token, all]));
    const logProbs = res.map((r) => {
      const row: number[] = [];
      for (const [tok, p] of r?.next.probabilities ?? []) row[tok] = Math.log(p);
      return row;
    });
    await ctx.dispose();
    return { tokens, logProbs };
  } finally {
    await model.dispose();
  }
}

export function maxAbsDiff(a: number[][], b: number[][]): number {
  let worst = 0;
  a.forEach((row, i) => {
    row.forEach((x, j) => {
      const y = b[i]?.[j] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(x - y));
    });
  });
  return worst;
}

export function argmax(row: number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] ?? -Infinity) > (row[best] ?? -Infinity)) best = i;
  return best;
}

/**
 * Greedy continuation from llama.cpp: `steps` tokens after `text` (temperature 0), one decode per token.
 * Returns the prompt tokens and the generated ones.
 */
export async function llamaGreedy(
  modelPath: string,
  text: string,
  steps: number,
): Promise<{ prompt: number[]; generated: number[] }> {
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  try {
    const prompt = model.tokenize(text, true) as number[];
    const ctx = await model.createContext({
      contextSize: 512,
      threads: 2,
      flashAttention: false,
      experimentalKvCacheKeyType: 'F32',
      experimentalKvCacheValueType: 'F32',
    });
    const seq = ctx.getSequence();
    const next = { generateNext: { token: true, options: { temperature: 0 } } };
    const generated: number[] = [];
    let input: number[] = prompt;
    for (let i = 0; i < steps; i++) {
      const res = await seq.controlledEvaluate(
        input.map((t, j) => (j === input.length - 1 ? [t as Token, next] : (t as Token))),
      );
      const tok = res.at(-1)?.next?.token;
      if (tok === undefined || tok === null) break;
      generated.push(tok);
      input = [tok];
    }
    await ctx.dispose();
    return { prompt, generated };
  } finally {
    await model.dispose();
  }
}

/** PyTorch's argmax next token at every position of `tokens` (teacher-forced greedy check). */
export async function torchArgmax(model: string, tokens: number[]): Promise<number[]> {
  const { done } = await runWorker(['logits', '--model', model, '--tokens', tokens.join(','), '--argmax']);
  return done.argmax as number[];
}
