import type { ProviderError } from '../core/errors/provider-error.ts';

export interface BackoffOptions {
  /** First delay in ms. Defaults to 500. */
  baseMs?: number;
  /** Largest delay in ms. Defaults to 30000. */
  maxMs?: number;
  /** Random source in [0, 1). Defaults to Math.random. */
  random?: () => number;
}

/**
 * Delay before attempt `attempt + 1` (attempt is 1-based): exponential with "equal jitter" (between half and all
 * of the exponential step), never less than the provider's own Retry-After.
 */
export function backoffDelay(attempt: number, error: ProviderError, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const step = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = step / 2 + (options.random ?? Math.random)() * (step / 2);
  return Math.max(jittered, Math.min(error.retryAfterMs ?? 0, 10 * max));
}

/** Kinds the engine retries (bounded). Auth, bad requests and content filters are permanent. */
export const RETRYABLE_KINDS = new Set([
  'rate-limit',
  'server',
  'timeout',
  'truncated',
  'network',
  'malformed',
  'empty',
]);
