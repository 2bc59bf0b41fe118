import { mulberry32 } from '../core/seeded-random.ts';

/** R1's recommended sampling (DeepSeek's usage advice, REFERENCE.md §1). */
export const R1_TEMPERATURE = 0.6;
export const R1_TOP_P = 0.95;

export interface SamplerOptions {
  /** 0 = greedy. Defaults to 0.6. */
  temperature?: number;
  /** Nucleus sampling mass. Defaults to 0.95. */
  topP?: number;
  /** Keep only the k most likely tokens (0 = off). Defaults to 0. */
  topK?: number;
  /** Seed for reproducible sampling. Defaults to a random seed. */
  seed?: number;
}

/**
 * Samples a token from logits in JavaScript (tiny vocabularies make this far cheaper than a native round trip).
 * `allowed` (optional) restricts the candidates: a token is allowed when the predicate returns true.
 */
export class Sampler {
  private readonly temperature: number;
  private readonly topP: number;
  private readonly topK: number;
  private readonly random: () => number;
  private idx = new Int32Array(0);
  private probs = new Float64Array(0);

  constructor(options: SamplerOptions = {}) {
    this.temperature = options.temperature ?? R1_TEMPERATURE;
    this.topP = options.topP ?? R1_TOP_P;
    this.topK = options.topK ?? 0;
    this.random = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  sample(logits: Float32Array, allowed?: (token: number) => boolean): number {
    const n = logits.length;
    if (this.temperature <= 0) {
      let best = -1;
      let bestLogit = Number.NEGATIVE_INFINITY;
      for (let t = 0; t < n; t++) {
        const l = logits[t] as number;
        if (l > bestLogit && (!allowed || allowed(t))) {
          best = t;
          bestLogit = l;
        }
      }
      return Math.max(best, 0);
    }
    if (this.idx.length < n) {
      this.idx = new Int32Array(n);
      this.probs = new Float64Array(n);
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      const l = logits[t] as number;
      if (l > max && (!allowed || allowed(t))) max = l;
    }
    if (max === Number.NEGATIVE_INFINITY) return 0;
    // Candidates within ~e^-18 of the best: the rest cannot matter for top-p ≤ 0.9999.
    const floor = max - 18 * this.temperature;
    let m = 0;
    for (let t = 0; t < n; t++) {
      const l = logits[t] as number;
      if (l >= floor && (!allowed || allowed(t))) this.idx[m++] = t;
    }
    const idx = this.idx.subarray(0, m);
    idx.sort((a, b) => (logits[b] as number) - (logits[a] as number));
    let count = this.topK > 0 ? Math.min(this.topK, m) : m;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const p = Math.exp(((logits[idx[i] as number] as number) - max) / this.temperature);
      this.probs[i] = p;
      sum += p;
    }
    if (this.topP < 1) {
      let acc = 0;
      for (let i = 0; i < count; i++) {
        acc += (this.probs[i] as number) / sum;
        if (acc >= this.topP) {
          count = i + 1;
          break;
        }
      }
      sum = 0;
      for (let i = 0; i < count; i++) sum += this.probs[i] as number;
    }
    let r = this.random() * sum;
    for (let i = 0; i < count; i++) {
      r -= this.probs[i] as number;
      if (r <= 0) return idx[i] as number;
    }
    return idx[count - 1] as number;
  }
}
