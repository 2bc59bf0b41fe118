import { availableParallelism } from 'node:os';

/** Default number of sandboxes at once: one per core. */
export function defaultSandboxConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs `fn` over `items` with at most `concurrency` in flight (default: one per core), results in input order.
 * Sandboxed checks are separate processes, so a plain async pool keeps every core busy.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  options: { concurrency?: number; onResult?: (index: number, result: R) => void } = {},
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
      options.onResult?.(i, results[i] as R);
    }
  };
  const n = Math.min(items.length, Math.max(1, options.concurrency ?? defaultSandboxConcurrency()));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}
