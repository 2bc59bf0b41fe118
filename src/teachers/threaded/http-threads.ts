import { availableParallelism } from 'node:os';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import type { ProviderName } from '../uri.ts';

/** Most worker threads a teacher's HTTP may use (each is a V8 isolate, ~10 MB). */
export const MAX_HTTP_THREADS = 16;

/**
 * Worker threads for a teacher's HTTP: a number as given (0 = in the calling thread), or `auto`: 1 for
 * `openai-compatible:` teachers (local servers, where the client's CPU bounds throughput) when the machine has at
 * least 2 cores, else 0.
 */
export function resolveHttpThreads(
  value: number | 'auto' | undefined,
  provider: ProviderName,
  cores: number = availableParallelism(),
): number {
  if (value === undefined) return 0;
  if (value === 'auto') return provider === 'openai-compatible' && cores >= 2 ? 1 : 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_HTTP_THREADS)
    throw new InvalidInputError(
      `httpThreads must be an integer from 0 to ${MAX_HTTP_THREADS} or 'auto', got ${value}`,
      { field: 'httpThreads', hint: `pass --http-threads N (0–${MAX_HTTP_THREADS}) or --http-threads auto` },
    );
  return value;
}
