/** Which samples of a prompt to keep after verification (rejection sampling, R1-style). */
export type KeepPolicy = 'correct' | 'all';
/**
 * How many samples per prompt: `best` keeps one, the most typical survivor (correct first, then a clean stop,
 * then closest to the median length of the prompt's survivors); `shortest` keeps the shortest (correct first);
 * `all` keeps every survivor.
 */
export type PerPromptPolicy = 'best' | 'shortest' | 'all';

export const KEEP_POLICIES: readonly KeepPolicy[] = ['correct', 'all'];
export const PER_PROMPT_POLICIES: readonly PerPromptPolicy[] = ['best', 'shortest', 'all'];

/** What selection needs to know about one surviving sample. */
export interface Candidate {
  index: number;
  sampleIdx: number;
  correct: boolean;
  stopped: boolean;
  length: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The indexes of the candidates (one prompt's survivors) that `policy` keeps. */
export function selectPerPrompt(candidates: readonly Candidate[], policy: PerPromptPolicy): number[] {
  if (policy === 'all' || candidates.length <= 1) return candidates.map((c) => c.index);
  const m = median(candidates.map((c) => c.length));
  const score = (c: Candidate): number[] =>
    policy === 'shortest'
      ? [c.correct ? 0 : 1, c.length, c.sampleIdx]
      : [c.correct ? 0 : 1, c.stopped ? 0 : 1, Math.abs(c.length - m), c.sampleIdx];
  let best = candidates[0] as Candidate;
  let bestScore = score(best);
  for (const c of candidates.slice(1)) {
    const s = score(c);
    const i = s.findIndex((v, k) => v !== bestScore[k]);
    if (i >= 0 && (s[i] as number) < (bestScore[i] as number)) {
      best = c;
      bestScore = s;
    }
  }
  return [best.index];
}
