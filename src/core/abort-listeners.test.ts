import { describe, expect, it } from 'vitest';
import { type AbortListener, listenAbort, unlistenAbort } from './abort-listeners.ts';

const listener = (calls: unknown[], name: string): AbortListener => ({
  onSignalAbort: (reason) => calls.push([name, reason]),
  abortPrev: undefined,
  abortNext: undefined,
});

describe('listenAbort', () => {
  it('tells every waiting listener once, with the reason, not the ones that stopped, and holds one listener', () => {
    const controller = new AbortController();
    const calls: unknown[] = [];
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      return add(...args);
    }) as typeof add;
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((name) => listener(calls, name)) as [
      AbortListener,
      AbortListener,
      AbortListener,
      AbortListener,
      AbortListener,
    ];
    for (const l of [a, b, c, d, e]) listenAbort(controller.signal, l);
    unlistenAbort(controller.signal, a); // the first in
    unlistenAbort(controller.signal, e); // the last in (the head of the list)
    unlistenAbort(controller.signal, c); // one in the middle
    unlistenAbort(controller.signal, c); // twice is harmless
    expect(added).toBe(1);
    controller.abort('stop');
    controller.abort('again');
    expect(calls).toEqual([
      ['d', 'stop'],
      ['b', 'stop'],
    ]);
    // Another signal gets its own listener; signals do not share waiters; unlistening after the abort is harmless.
    const other = new AbortController();
    listenAbort(other.signal, a);
    other.abort('other');
    unlistenAbort(other.signal, a);
    expect(calls).toEqual([
      ['d', 'stop'],
      ['b', 'stop'],
      ['a', 'other'],
    ]);
    // A listener told of an abort can wait on another signal again.
    const third = new AbortController();
    listenAbort(third.signal, d);
    third.abort('third');
    expect(calls.at(-1)).toEqual(['d', 'third']);
  });
});
