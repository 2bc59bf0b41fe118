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

/**
 * Requests in flight below which `auto` keeps a run's teacher HTTP in the calling thread. With few requests in flight
 * a run is bound by round trips, and the hand-off to a worker adds two thread hops to each: on 2 cores,
 * `distill generate` of 16,000 requests from a local server took ~18% longer with the thread at `--concurrency 8`
 * (10.3 s vs 8.8 s, three runs each), the same at 32 and 64; bench/generate (64 in flight, a warm process) gains
 * ~0.15 of the bare loop's rate with it.
 */
export const AUTO_HTTP_THREADS_MIN_IN_FLIGHT = 64;

/**
 * `httpThreads` for a run that keeps `inFlight` requests in flight: `auto` becomes 0 below
 * {@link AUTO_HTTP_THREADS_MIN_IN_FLIGHT}; anything else is kept as given.
 */
export function httpThreadsForRun(
  value: number | 'auto' | undefined,
  inFlight: number,
): number | 'auto' | undefined {
  return value === 'auto' && inFlight < AUTO_HTTP_THREADS_MIN_IN_FLIGHT ? 0 : value;
}
