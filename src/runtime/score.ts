import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { llamaFailure } from './llama/ffi.ts';
import { logprobsOf, type ScoredToken } from './logprobs.ts';
import type { NativeModel } from './native-model.ts';

/** One position of a scored sequence: the token at `index` given everything before it. */
export interface ScoredPosition extends ScoredToken {
  /** Position in the sequence (1 … length−1; position 0 has no prefix to be scored from). */
  index: number;
  /** The `topK` most likely tokens at this position, best first. */
  top: ScoredToken[];
}

export interface ScoreOptions {
  /** Alternatives per position. Defaults to 0. */
  topK?: number;
  /** CPU threads. Defaults to 1. */
  threads?: number;
  /** Tokens per decode call. Defaults to 512. */
  batchTokens?: number;
}

/**
 * Teacher-forced log-probabilities: every token of every sequence under the model given its prefix, computed in
 * shared `llama_decode` calls (all sequences in one context, logits kept for every position). A fresh context
 * per call, so scoring never disturbs running generations.
 */
export async function scoreSequences(
  model: NativeModel,
  sequences: number[][],
  options: ScoreOptions = {},
): Promise<ScoredPosition[][]> {
  const topK = options.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0 || topK > 100)
    throw new InvalidInputError(`topK must be an integer from 0 to 100, got ${topK}`);
  for (const s of sequences)
    for (const t of s)
      if (!Number.isInteger(t) || t < 0 || t >= model.nVocab)
        throw new InvalidInputError(`token id ${t} is outside the vocabulary (0–${model.nVocab - 1})`);
  const results: ScoredPosition[][] = sequences.map(() => []);
  const live = sequences.map((s, i) => ({ s, i })).filter((x) => x.s.length > 1);
  if (live.length === 0) return results;
  const lib = model.lib;
  const longest = Math.max(...live.map((x) => x.s.length));
  const batchTokens = Math.max(1, options.batchTokens ?? 512);
  const params = lib.contextDefaultParams();
  Object.assign(params, {
    n_ctx: Math.ceil((longest * live.length) / 256 + 1) * 256,
    n_batch: batchTokens,
    n_ubatch: batchTokens,
    n_seq_max: live.length,
    n_threads: options.threads ?? 1,
    n_threads_batch: options.threads ?? 1,
    kv_unified: true,
    no_perf: true,
  });
  const ctx = lib.initFromModel(model.ptr, params);
  if (!ctx)
    throw llamaFailure('llama.cpp could not create a scoring context', 'score fewer or shorter sequences');
  const batch = lib.batchInit(batchTokens, 0, 1);
  try {
    const tok = lib.viewInts(batch.token, batchTokens);
    const pos = lib.viewInts(batch.pos, batchTokens);
    const nSeq = lib.viewInts(batch.n_seq_id, batchTokens);
    const want = lib.viewBytes(batch.logits, batchTokens);
    const seqIds = lib.decodePointerArray(batch.seq_id, batchTokens).map((p) => lib.viewInts(p, 1));
    nSeq.fill(1);
    // Every token but the last of each sequence predicts the next one.
    const work: { seq: number; slot: number; p: number }[] = [];
    live.forEach((x, slot) => {
      for (let p = 0; p < x.s.length; p++) work.push({ seq: x.i, slot, p });
    });
    for (let start = 0; start < work.length; start += batchTokens) {
      const chunk = work.slice(start, start + batchTokens);
      chunk.forEach((w, n) => {
        tok[n] = sequences[w.seq]?.[w.p] as number;
        pos[n] = w.p;
        (seqIds[n] as Int32Array)[0] = w.slot;
        want[n] = w.p < (sequences[w.seq]?.length ?? 0) - 1 ? 1 : 0;
      });
      batch.n_tokens = chunk.length;
      const rc = await lib.decodeAsync(ctx, batch);
      if (rc !== 0)
        throw llamaFailure(
          `llama_decode failed while scoring (code ${rc})`,
          'score fewer or shorter sequences',
        );
      chunk.forEach((w, n) => {
        if (!want[n]) return;
        const seq = sequences[w.seq] as number[];
        const next = seq[w.p + 1] as number;
        const logits = lib.viewFloats(lib.getLogitsIth(ctx, n), model.nVocab);
        const { logprob, top } = logprobsOf(logits, next, topK);
        (results[w.seq] as ScoredPosition[]).push({ index: w.p + 1, token: next, logprob, top });
      });
    }
    return results;
  } finally {
    lib.batchFree(batch);
    lib.free(ctx);
  }
}
