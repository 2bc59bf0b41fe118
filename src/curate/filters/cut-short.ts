import type { FilterResult, Sample } from '../../core/sample.ts';
import { isForcedThinkingEnd } from '../../core/trace.ts';
import { clip, filterResult, type SampleFilter } from './sample-filter.ts';

export interface CutShortOptions {
  /**
   * Keep traces whose thinking was ended by a budget, answer-now or the max-tokens reserve (`--keep-forced`);
   * traces cut inside thinking are still dropped. Defaults to false.
   */
  keepForced?: boolean;
}

/**
 * Wrap-up lines runtimes write when they end thinking themselves. Distill's own (before `thinkingEnd` existed, it
 * landed in the stored reasoning), plus the budget-forcing phrases of common servers.
 */
const WRAP_UP_LINES = [/Time is up; answering now\.\s*$/, /Considering the limited time[^\n]*\s*$/i];

/**
 * Cut short: the thinking is not what the model would have written on its own (issue 22). Drops traces whose
 * thinking the runtime or a person ended (`thinkingEnd` budget / answer-now / max-tokens-reserve), or that stopped
 * inside thinking (`cut`, `truncatedInThinking`); for traces stored before `thinkingEnd` existed, a runtime
 * wrap-up line at the end of the thinking is the evidence. A forced answer that happens to be right would teach
 * the student to stop thinking and guess.
 */
export function cutShortFilter(options: CutShortOptions = {}): SampleFilter {
  const keepForced = options.keepForced ?? false;
  const filter: SampleFilter = {
    name: 'cut-short',
    version: '1',
    params: { keepForced },
    apply(sample: Sample): FilterResult {
      const t = sample.trace;
      const end = t.thinkingEnd ?? sample.provenance.generation.thinkingEnd;
      const matches: string[] = [];
      if (end === 'cut' || t.truncatedInThinking)
        matches.push(`thinking cut (finish_reason=${t.finishReason})`);
      else if (isForcedThinkingEnd(end)) {
        if (!keepForced) matches.push(`thinking ended by ${end}`);
      } else if (end === undefined && !keepForced) {
        const wrap = WRAP_UP_LINES.find((re) => re.test(t.reasoning));
        if (wrap) matches.push(`runtime wrap-up in thinking: "${clip(t.reasoning.slice(-60))}"`);
      }
      return filterResult(filter, matches);
    },
  };
  return filter;
}
