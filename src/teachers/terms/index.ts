export { TERMS, type TermsRecord, termsRef } from './registry.ts';
export { resolveTerms } from './resolve-terms.ts';
