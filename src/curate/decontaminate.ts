import { codePoints, histogram, lcsLength, lcsUpperBound } from './fuzzy-ratio.ts';
import { normalizeText, wordNgrams, words } from './text-normalize.ts';

export const DECONTAMINATION_VERSION = '1';

/** One evaluation prompt to protect. */
export interface EvalPrompt {
  id: string;
  text: string;
}

/** A named evaluation set (e.g. `gsm8k`, `math500`, `builtin-eval`, or a JSONL file). */
export interface EvalSet {
  name: string;
  prompts: EvalPrompt[];
}

export interface DecontaminationOptions {
  /** Word n-gram size; any shared n-gram with an eval prompt is contamination. Defaults to 8. */
  ngram?: number;
  /** rapidfuzz `fuzz.ratio` (0..1) at or above which a prompt is contamination. Defaults to 0.95. */
  fuzzyThreshold?: number;
  /**
   * Ignore n-grams shared by at least this many different eval prompts: template boilerplate of generated task
   * families ("how many times does the letter …") says nothing about one eval item. Defaults to off (any shared
   * n-gram drops, as open-r1 and s1 do).
   */
  ignoreNgramsSharedBy?: number;
}

/** Why a prompt was judged contaminated. */
export interface ContaminationMatch {
  method: 'ngram' | 'fuzzy';
  evalSet: string;
  evalId: string;
  /** The shared n-gram, or the fuzzy ratio as text. */
  evidence: string;
  ratio?: number;
}

interface FuzzyEntry {
  set: string;
  id: string;
  cps: number[];
  hist: Int32Array;
}

/**
 * Index of evaluation prompts for decontamination (open-r1/s1 word 8-grams + OpenThoughts fuzzy ratio).
 * Text is lowercased and whitespace-normalised before both checks. The fuzzy check prefilters by length
 * (ratio ≤ 2·min/(|a|+|b|)) and a character-histogram LCS bound before the exact bit-parallel LCS.
 */
export class ContaminationIndex {
  readonly params: {
    ngram: number;
    fuzzyThreshold: number;
    normalization: string;
    ignoreNgramsSharedBy: number | null;
  };
  readonly sets: Array<{ name: string; size: number }>;
  private readonly grams = new Map<string, { set: string; id: string }>();
  /** Sorted by length for the length-window prefilter. */
  private readonly fuzzy: FuzzyEntry[] = [];

  constructor(sets: readonly EvalSet[], options: DecontaminationOptions = {}) {
    this.params = {
      ngram: options.ngram ?? 8,
      fuzzyThreshold: options.fuzzyThreshold ?? 0.95,
      normalization: 'lowercase+whitespace',
      ignoreNgramsSharedBy: options.ignoreNgramsSharedBy ?? null,
    };
    const shared = new Map<string, number>();
    this.sets = sets.map((s) => ({ name: s.name, size: s.prompts.length }));
    for (const set of sets) {
      for (const p of set.prompts) {
        const norm = normalizeText(p.text);
        for (const g of new Set(wordNgrams(words(norm), this.params.ngram))) {
          if (!this.grams.has(g)) this.grams.set(g, { set: set.name, id: p.id });
          shared.set(g, (shared.get(g) ?? 0) + 1);
        }
        const cps = codePoints(norm);
        this.fuzzy.push({ set: set.name, id: p.id, cps, hist: histogram(cps) });
      }
    }
    this.fuzzy.sort((a, b) => a.cps.length - b.cps.length);
    const limit = this.params.ignoreNgramsSharedBy;
    if (limit !== null) for (const [g, n] of shared) if (n >= limit) this.grams.delete(g);
  }

  /** Number of eval prompts indexed. */
  get size(): number {
    return this.fuzzy.length;
  }

  /** The first contamination found for `text`, or null when it is clean. */
  check(text: string): ContaminationMatch | null {
    const norm = normalizeText(text);
    for (const g of wordNgrams(words(norm), this.params.ngram)) {
      const hit = this.grams.get(g);
      if (hit) return { method: 'ngram', evalSet: hit.set, evalId: hit.id, evidence: g };
    }
    return this.checkFuzzy(norm);
  }

  private checkFuzzy(norm: string): ContaminationMatch | null {
    const t = this.params.fuzzyThreshold;
    const cps = codePoints(norm);
    const la = cps.length;
    // 2·min/(la+lb) ≥ t  ⇔  lb ∈ [la·t/(2−t), la·(2−t)/t]
    const lo = Math.ceil((la * t) / (2 - t));
    const hi = Math.floor((la * (2 - t)) / t);
    let hist: Int32Array | undefined;
    for (let i = this.lowerBound(lo); i < this.fuzzy.length; i++) {
      const e = this.fuzzy[i] as FuzzyEntry;
      const lb = e.cps.length;
      if (lb > hi) break;
      const total = la + lb;
      if (total === 0) continue;
      hist ??= histogram(cps);
      if ((2 * lcsUpperBound(hist, e.hist)) / total < t) continue;
      const ratio = (2 * lcsLength(cps, e.cps)) / total;
      if (ratio >= t)
        return {
          method: 'fuzzy',
          evalSet: e.set,
          evalId: e.id,
          evidence: `ratio=${ratio.toFixed(4)}`,
          ratio,
        };
    }
    return null;
  }

  private lowerBound(len: number): number {
    let lo = 0;
    let hi = this.fuzzy.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.fuzzy[mid] as FuzzyEntry).cps.length < len) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
