import type { FilterResult, Sample } from '../../core/sample.ts';
import { filterResult, type SampleFilter } from './sample-filter.ts';

export interface LengthOptions {
  /** Fewest characters of thinking + answer. Defaults to 10. */
  minChars?: number;
  /** Most characters of thinking + answer. Defaults to 64,000. */
  maxChars?: number;
}

/** Length bounds on the assistant turn (thinking + answer characters). */
export function lengthFilter(options: LengthOptions = {}): SampleFilter {
  const minChars = options.minChars ?? 10;
  const maxChars = options.maxChars ?? 64_000;
  const filter: SampleFilter = {
    name: 'length',
    version: '1',
    params: { minChars, maxChars },
    apply(sample: Sample): FilterResult {
      const n = sample.trace.reasoning.length + sample.trace.answer.length;
      const matches: string[] = [];
      if (n < minChars) matches.push(`${n} chars < min ${minChars}`);
      if (n > maxChars) matches.push(`${n} chars > max ${maxChars}`);
      return filterResult(filter, matches);
    },
  };
  return filter;
}
