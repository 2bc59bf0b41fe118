const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Call `fn` once when `signal` aborts; returns the function that stops waiting. However many calls wait on one
 * signal, it holds one `abort` listener: a long-lived run signal shared by thousands of requests costs each a Set
 * entry, not an EventTarget listener (adding and removing those is a real share of a fast request's cost).
 * The caller checks `signal.aborted` first: an already aborted signal never calls `fn`.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = waiting.get(signal);
  if (!set) {
    const fns = new Set<() => void>();
    set = fns;
    waiting.set(signal, fns);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const f of fns) f();
        fns.clear();
      },
      { once: true },
    );
  }
  const fns = set;
  fns.add(fn);
  return () => {
    fns.delete(fn);
  };
}
