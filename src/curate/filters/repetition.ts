import type { FilterResult, Sample } from '../../core/sample.ts';
import { clip, filterResult, isMathOrCode, type SampleFilter } from './sample-filter.ts';

export interface RepetitionOptions {
  /** A paragraph repeated this many times drops the sample. Defaults to 10. */
  paragraphRepeats?: number;
  /** A sentence repeated this many times anywhere drops the sample. Defaults to 40. */
  sentenceRepeats?: number;
  /** A sentence repeated this many times in a row drops the sample. Defaults to 4. */
  consecutiveSentenceRepeats?: number;
  /** Word n-gram size of the n-gram check. Defaults to 10. */
  ngram?: number;
  /** A word n-gram occurring this many times drops the sample. Defaults to 20. */
  ngramRepeats?: number;
  /** Multiplier of every threshold for math and code problems. Defaults to 2. */
  mathCodeFactor?: number;
  /** Paragraphs and sentences shorter than this (characters) are not counted. Defaults to 10. */
  minUnitChars?: number;
}

function normUnit(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function maxCount(units: string[]): { unit: string; count: number } {
  const counts = new Map<string, number>();
  let best = { unit: '', count: 0 };
  for (const u of units) {
    const c = (counts.get(u) ?? 0) + 1;
    counts.set(u, c);
    if (c > best.count) best = { unit: u, count: c };
  }
  return best;
}

/** The most frequent word n-gram, counted by a 32-bit hash of word ids (no string per window). */
function topNgram(tokens: string[], n: number): { unit: string; count: number } {
  if (tokens.length < n) return { unit: '', count: 0 };
  const ids = new Map<string, number>();
  const seq = tokens.map((t) => {
    let id = ids.get(t);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(t, id);
    }
    return id;
  });
  const counts = new Map<number, number>();
  let best = { at: 0, count: 0 };
  for (let i = 0; i + n <= seq.length; i++) {
    let h = 0x811c9dc5;
    for (let k = i; k < i + n; k++) h = Math.imul(h ^ (seq[k] as number), 0x01000193);
    const c = (counts.get(h) ?? 0) + 1;
    counts.set(h, c);
    if (c > best.count) best = { at: i, count: c };
  }
  return { unit: tokens.slice(best.at, best.at + n).join(' '), count: best.count };
}

/**
 * Repetition (open-instruct): drop when a paragraph repeats ≥10 times, a sentence ≥40 times anywhere,
 * the same sentence ≥4 times in a row, or a word 10-gram ≥20 times. Thresholds ×2 for math/code.
 */
export function repetitionFilter(options: RepetitionOptions = {}): SampleFilter {
  const base = {
    paragraphRepeats: options.paragraphRepeats ?? 10,
    sentenceRepeats: options.sentenceRepeats ?? 40,
    consecutiveSentenceRepeats: options.consecutiveSentenceRepeats ?? 4,
    ngram: options.ngram ?? 10,
    ngramRepeats: options.ngramRepeats ?? 20,
    mathCodeFactor: options.mathCodeFactor ?? 2,
    minUnitChars: options.minUnitChars ?? 10,
  };
  const plain = { ...base, factor: 1 };
  const scaled = { ...base, factor: base.mathCodeFactor };
  const filter: SampleFilter = {
    name: 'repetition',
    version: '1',
    params: base,
    apply(sample: Sample): FilterResult {
      const f = isMathOrCode(sample) ? base.mathCodeFactor : 1;
      const params = f === 1 ? plain : scaled;
      const matches: string[] = [];
      for (const text of [sample.trace.reasoning, sample.trace.answer]) {
        const paragraphs = text
          .split(/\n\s*\n/)
          .map(normUnit)
          .filter((p) => p.length >= base.minUnitChars);
        const para = maxCount(paragraphs);
        if (para.count >= base.paragraphRepeats * f)
          matches.push(`paragraph ×${para.count}: ${clip(para.unit, 80)}`);
        const sentences = text
          .split(/(?<=[.!?])\s+|\n+/)
          .map(normUnit)
          .filter((s) => s.length >= base.minUnitChars);
        const sent = maxCount(sentences);
        if (sent.count >= base.sentenceRepeats * f)
          matches.push(`sentence ×${sent.count}: ${clip(sent.unit, 80)}`);
        let run = 1;
        for (let i = 1; i < sentences.length; i++) {
          run = sentences[i] === sentences[i - 1] ? run + 1 : 1;
          if (run === base.consecutiveSentenceRepeats * f) {
            matches.push(`sentence ×${run} in a row: ${clip(sentences[i] as string, 80)}`);
            break;
          }
        }
        const gram = topNgram(normUnit(text).split(' '), base.ngram);
        if (gram.count >= base.ngramRepeats * f)
          matches.push(`${base.ngram}-gram ×${gram.count}: ${clip(gram.unit, 80)}`);
      }
      return filterResult(filter, matches, params);
    },
  };
  return filter;
}
