/**
 * What waits on a signal through {@link listenAbort}: told once, with the signal's reason, when it aborts. The two
 * link fields belong to the registry (a listener waits on one signal at a time).
 */
export interface AbortListener {
  onSignalAbort(reason: unknown): void;
  abortPrev: AbortListener | undefined;
  abortNext: AbortListener | undefined;
}

/** The listeners waiting on one signal: a doubly linked list through the listeners themselves. */
interface Waiting {
  first: AbortListener | undefined;
}

const waiting = new WeakMap<AbortSignal, Waiting>();

/**
 * Tell `listener` once when `signal` aborts, until {@link unlistenAbort}. However many listeners wait on one
 * signal, it holds one `abort` listener, and a listener costs two pointer writes, no allocation: a long-lived run
 * signal is shared by thousands of fast requests, and both an EventTarget listener and a Set entry (add + delete)
 * per request were a real share of a request's cost on a local server (bench/generate).
 * The caller checks `signal.aborted` first: an already aborted signal never calls the listener.
 */
export function listenAbort(signal: AbortSignal, listener: AbortListener): void {
  let list = waiting.get(signal);
  if (!list) {
    const created: Waiting = { first: undefined };
    list = created;
    waiting.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        let next = created.first;
        created.first = undefined;
        while (next) {
          const l = next;
          next = l.abortNext;
          l.abortPrev = undefined;
          l.abortNext = undefined;
          l.onSignalAbort(signal.reason);
        }
      },
      { once: true },
    );
  }
  const first = list.first;
  listener.abortPrev = undefined;
  listener.abortNext = first;
  if (first) first.abortPrev = listener;
  list.first = listener;
}

/** Stop telling `listener` about `signal` (harmless when it is not waiting). */
export function unlistenAbort(signal: AbortSignal, listener: AbortListener): void {
  const list = waiting.get(signal);
  if (!list) return;
  const { abortPrev: prev, abortNext: next } = listener;
  if (prev) prev.abortNext = next;
  else if (list.first === listener) list.first = next;
  else return; // not waiting
  if (next) next.abortPrev = prev;
  listener.abortPrev = undefined;
  listener.abortNext = undefined;
}
