import { describe, expect, it } from 'vitest';
import { onAbort } from './abort-listeners.ts';

describe('onAbort', () => {
  it('calls every waiting function once on abort, not the ones that stopped waiting, and holds one listener', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      return add(...args);
    }) as typeof add;
    const stopA = onAbort(controller.signal, () => calls.push('a'));
    onAbort(controller.signal, () => calls.push('b'));
    const stopC = onAbort(controller.signal, () => calls.push('c'));
    stopA();
    stopC();
    stopC(); // twice is harmless
    expect(added).toBe(1);
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['b']);
    // A new wait on another signal gets its own listener; signals do not share waiters.
    const other = new AbortController();
    onAbort(other.signal, () => calls.push('d'));
    other.abort();
    expect(calls).toEqual(['b', 'd']);
  });
});
