import type { FilterResult, Sample } from '../../core/sample.ts';

/** A versioned check over one sample. `apply` never throws on content; it reports evidence in `matches`. */
export interface SampleFilter {
  readonly name: string;
  /** Bumped whenever the behaviour changes, so stored results say which logic produced them. */
  readonly version: string;
  readonly params: Record<string, unknown>;
  apply(sample: Sample): FilterResult;
}

/** Build a FilterResult for `filter`. */
export function filterResult(filter: SampleFilter, matches: string[], params = filter.params): FilterResult {
  return { name: filter.name, version: filter.version, params, passed: matches.length === 0, matches };
}

/** Clip evidence to a readable length. */
export function clip(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** True for math or code problems (repetition thresholds are doubled for them, as in open-instruct). */
export function isMathOrCode(sample: Sample): boolean {
  const domain = sample.problem.meta.domain;
  if (domain === 'math' || domain === 'code') return true;
  if (typeof domain === 'string') return false;
  return sample.problem.answerKind === 'math';
}
