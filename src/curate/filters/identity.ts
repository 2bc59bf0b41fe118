import type { FilterResult, Sample } from '../../core/sample.ts';
import { clip, filterResult, type SampleFilter } from './sample-filter.ts';

/** Provider names whose self-mentions are dropped (open-instruct list, REFERENCE.md §4). */
export const IDENTITY_PROVIDERS = [
  'OpenAI',
  'ChatGPT',
  'Claude',
  'Anthropic',
  'Gemini',
  'Qwen',
  'DeepSeek',
  'Meta AI',
  'Cohere',
  'Mistral AI',
  'xAI',
  'Perplexity',
] as const;

export interface IdentityFilterOptions {
  /** Provider names to look for. Defaults to {@link IDENTITY_PROVIDERS}. */
  providers?: readonly string[];
  /** Characters allowed between the trigger and the provider name (within one sentence). Defaults to 100. */
  window?: number;
}

function escapeName(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}

/**
 * Identity / provider self-mentions (open-instruct): "I am/I'm [called] X", "as a(n) language model … X",
 * "{trained|developed|created|made} by … X" within one sentence, and "X's {policy|guidelines|terms}".
 * Scans the assistant turn (thinking and answer); any match drops the sample.
 */
export function identityFilter(options: IdentityFilterOptions = {}): SampleFilter {
  const providers = options.providers ?? IDENTITY_PROVIDERS;
  const window = options.window ?? 100;
  const x = `(?:${providers.map(escapeName).join('|')})`;
  const gap = `[^.!?\\n]{0,${window}}?`;
  const patterns = [
    new RegExp(`\\bI(?:\\s+am|['’]m)\\s+(?:called\\s+)?${x}(?![\\w-])`, 'gi'),
    new RegExp(
      `\\bas\\s+an?\\s+(?:(?:AI\\s+)?language\\s+model|AI\\s+model|(?:AI\\s+)?assistant)\\b${gap}\\b${x}(?![\\w-])`,
      'gi',
    ),
    new RegExp(`\\b(?:trained|developed|created|made)\\s+by\\b${gap}\\b${x}(?![\\w-])`, 'gi'),
    new RegExp(`\\b${x}['’]s\\s+(?:policy|policies|guidelines|terms)\\b`, 'gi'),
  ];
  const filter: SampleFilter = {
    name: 'identity',
    version: '1',
    params: { providers: [...providers], window },
    apply(sample: Sample): FilterResult {
      const matches: string[] = [];
      for (const text of [sample.trace.reasoning, sample.trace.answer]) {
        for (const re of patterns) {
          re.lastIndex = 0;
          for (const m of text.matchAll(re)) if (matches.length < 5) matches.push(clip(m[0]));
        }
      }
      return filterResult(filter, matches);
    },
  };
  return filter;
}
