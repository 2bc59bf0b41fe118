import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { type CutShortOptions, cutShortFilter } from './cut-short.ts';
import { type IdentityFilterOptions, identityFilter } from './identity.ts';
import { type LanguageMixingOptions, languageMixingFilter } from './language-mixing.ts';
import { type LengthOptions, lengthFilter } from './length.ts';
import { type RepetitionOptions, repetitionFilter } from './repetition.ts';
import type { SampleFilter } from './sample-filter.ts';
import { type TruncationOptions, truncationFilter } from './truncation.ts';

export * from './cut-short.ts';
export * from './identity.ts';
export * from './language-mixing.ts';
export * from './length.ts';
export * from './repetition.ts';
export * from './sample-filter.ts';
export * from './truncation.ts';

export const FILTER_NAMES = [
  'identity',
  'language',
  'repetition',
  'cut-short',
  'truncation',
  'length',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export interface FilterOptions {
  identity?: IdentityFilterOptions;
  language?: LanguageMixingOptions;
  repetition?: RepetitionOptions;
  truncation?: TruncationOptions;
  length?: LengthOptions;
  cutShort?: CutShortOptions;
}

/** Build the named filters in the given order. Unknown names are an input error. */
export function buildFilters(names: readonly string[], options: FilterOptions = {}): SampleFilter[] {
  return names.map((name) => {
    switch (name) {
      case 'identity':
        return identityFilter(options.identity);
      case 'language':
        return languageMixingFilter(options.language);
      case 'repetition':
        return repetitionFilter(options.repetition);
      case 'cut-short':
        return cutShortFilter(options.cutShort);
      case 'truncation':
        return truncationFilter(options.truncation);
      case 'length':
        return lengthFilter(options.length);
      default:
        throw new InvalidInputError(`Unknown filter '${name}'`, {
          hint: `Use a comma-separated subset of ${FILTER_NAMES.join(',')}`,
          field: 'filters',
        });
    }
  });
}
