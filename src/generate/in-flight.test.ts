import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.ts';

/** A job the test settles by hand. */
function job(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('counts jobs, wakes the waiter when one ends, and is idle once all have', async () => {
    const inflight = new InFlight();
    const [a, b] = [job(), job()];
    inflight.add(a.promise);
    inflight.add(b.promise);
    expect(inflight.size).toBe(2);
    let idle = false;
    void inflight.idle().then(() => {
      idle = true;
    });
    const woke = inflight.nextEnd();
    a.resolve();
    await woke;
    expect(inflight.size).toBe(1);
    expect(idle).toBe(false);
    b.resolve();
    await inflight.all();
    expect(idle).toBe(true);
    expect(inflight.size).toBe(0);
    await expect(inflight.idle()).resolves.toBeUndefined();
  });

  it('a failed job ends like the others (no unhandled rejection); all() then rejects with the first error', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const inflight = new InFlight();
      const [a, b, c] = [job(), job(), job()];
      for (const j of [a, b, c]) inflight.add(j.promise);
      a.reject(new Error('first'));
      b.reject(new Error('second'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(inflight.size).toBe(1);
      const all = inflight.all();
      c.resolve();
      await expect(all).rejects.toThrow('first');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
