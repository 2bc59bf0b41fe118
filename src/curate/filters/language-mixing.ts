import type { FilterResult, Sample } from '../../core/sample.ts';
import { clip, filterResult, type SampleFilter } from './sample-filter.ts';

export interface LanguageMixingOptions {
  /** Largest tolerated share of off-target-script letters in the assistant turn. Defaults to 0.05. */
  maxForeignShare?: number;
}

/** CJK (U+4E00–U+9FFF) and Latin (A–Z, a–z) letters of a text, in one pass. */
function scripts(text: string): { cjk: number; latin: number } {
  let cjk = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) cjk++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) latin++;
  }
  return { cjk, latin };
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
      const p = scripts(sample.problem.prompt);
      const targetCjk = p.cjk > p.latin;
      const text = `${sample.trace.reasoning}\n${sample.trace.answer}`;
      const { cjk, latin } = scripts(text);
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
