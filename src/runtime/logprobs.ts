/** A token id and its log-probability. */
export interface ScoredToken {
  token: number;
  logprob: number;
}

/**
 * Log-probability of `token` and the `k` most likely tokens under raw `logits` (log-softmax, no temperature),
 * in one pass over the vocabulary plus a small insertion-sorted top list.
 */
export function logprobsOf(
  logits: Float32Array,
  token: number,
  k: number,
): { logprob: number; top: ScoredToken[] } {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if ((logits[i] as number) > max) max = logits[i] as number;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  const logZ = max + Math.log(sum);
  const ids: number[] = [];
  const vals: number[] = [];
  if (k > 0)
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i] as number;
      if (ids.length === k && v <= (vals[k - 1] as number)) continue;
      let j = Math.min(ids.length, k - 1);
      if (ids.length < k) {
        ids.push(i);
        vals.push(v);
      }
      while (j > 0 && (vals[j - 1] as number) < v) {
        ids[j] = ids[j - 1] as number;
        vals[j] = vals[j - 1] as number;
        j--;
      }
      ids[j] = i;
      vals[j] = v;
    }
  return {
    logprob: (logits[token] as number) - logZ,
    top: ids.map((id, i) => ({ token: id, logprob: (vals[i] as number) - logZ })),
  };
}
