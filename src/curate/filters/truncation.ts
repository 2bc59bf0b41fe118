import type { FilterResult, Sample } from '../../core/sample.ts';
import { filterResult, type SampleFilter } from './sample-filter.ts';

export interface TruncationOptions {
  /** Drop samples without thinking (empty or missing reasoning). Defaults to true. */
  requireThinking?: boolean;
  /** Drop samples with an empty final answer. Defaults to true. */
  requireAnswer?: boolean;
}

/** Truncation: `finish_reason=length`, thinking cut by the limit, missing/empty thinking, empty answer. */
export function truncationFilter(options: TruncationOptions = {}): SampleFilter {
  const requireThinking = options.requireThinking ?? true;
  const requireAnswer = options.requireAnswer ?? true;
  const filter: SampleFilter = {
    name: 'truncation',
    version: '1',
    params: { requireThinking, requireAnswer },
    apply(sample: Sample): FilterResult {
      const t = sample.trace;
      const matches: string[] = [];
      if (t.finishReason === 'length') matches.push('finish_reason=length');
      else if (t.finishReason !== 'stop') matches.push(`finish_reason=${t.finishReason}`);
      if (t.truncatedInThinking) matches.push('truncated in thinking');
      if (requireThinking && t.reasoning.trim() === '') matches.push('empty thinking');
      if (requireAnswer && t.answer.trim() === '') matches.push('empty answer');
      return filterResult(filter, matches);
    },
  };
  return filter;
}
