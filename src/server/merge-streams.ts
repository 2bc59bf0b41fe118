type Settled<T> = { index: number; result: IteratorResult<T> } | { index: number; error: unknown };

/**
 * Interleave several async iterables as their items arrive, tagging each with its source index.
 * The first source to fail fails the merge. Closing the merged iterator closes every source.
 */
export async function* mergeStreams<T>(
  sources: AsyncIterable<T>[],
): AsyncGenerator<{ index: number; value: T }> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  // Settled promises never reject, so a source failing after the merge has ended is not an unhandled rejection.
  const next = (index: number): Promise<Settled<T>> =>
    iterators[index]!.next().then(
      (result) => ({ index, result }),
      (error: unknown) => ({ index, error }),
    );
  const pending = new Map(iterators.map((_, i) => [i, next(i)]));
  try {
    while (pending.size > 0) {
      const settled = await Promise.race(pending.values());
      pending.delete(settled.index);
      if ('error' in settled) throw settled.error;
      if (settled.result.done) continue;
      pending.set(settled.index, next(settled.index));
      yield { index: settled.index, value: settled.result.value };
    }
  } finally {
    // Sources still running are told to stop but not awaited: a source blocked on I/O ends via its AbortSignal.
    for (const i of pending.keys()) void iterators[i]!.return?.(undefined).catch(() => undefined);
  }
}
