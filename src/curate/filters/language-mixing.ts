import type { FilterResult, Sample } from '../../core/sample.ts';
import { clip, filterResult, type SampleFilter } from './sample-filter.ts';

export interface LanguageMixingOptions {
  /** Largest tolerated share of off-target-script letters in the assistant turn. Defaults to 0.05. */
  maxForeignShare?: number;
}

const CJK = /[\u4e00-\u9fff]/g;
const LATIN = /[A-Za-z]/g;

function count(text: string, re: RegExp): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

/**
 * Language mixing (R1's language-consistency idea, open-instruct's CJK `[\u4e00-\u9fff]` check). The target
 * script is the prompt's: Latin for an English prompt, CJK for a Chinese one. The sample drops when the
 * off-target letters exceed `maxForeignShare` of all Latin + CJK letters of thinking and answer.
 */
export function languageMixingFilter(options: LanguageMixingOptions = {}): SampleFilter {
  const maxForeignShare = options.maxForeignShare ?? 0.05;
  const filter: SampleFilter = {
    name: 'language',
    version: '1',
    params: { maxForeignShare, cjk: '[\\u4e00-\\u9fff]' },
    apply(sample: Sample): FilterResult {
      const prompt = sample.problem.prompt;
      const targetCjk = count(prompt, CJK) > count(prompt, LATIN);
      const text = `${sample.trace.reasoning}\n${sample.trace.answer}`;
      const cjk = count(text, CJK);
      const latin = count(text, LATIN);
      const total = cjk + latin;
      const foreign = targetCjk ? latin : cjk;
      const share = total === 0 ? 0 : foreign / total;
      if (share <= maxForeignShare) return filterResult(filter, []);
      const sample0 = targetCjk
        ? text.match(/[A-Za-z][A-Za-z\s]{0,40}/)?.[0]
        : text.match(/[\u4e00-\u9fff]{1,20}/)?.[0];
      return filterResult(filter, [
        `foreign share ${share.toFixed(3)} > ${maxForeignShare}`,
        clip(sample0 ?? ''),
      ]);
    },
  };
  return filter;
}
