import { describe, expect, it } from 'vitest';
import { chooseThreads } from './threads.ts';

describe('chooseThreads', () => {
  it('uses DISTILL_THREADS, 1 thread for tiny models, else the free cores (max 8)', () => {
    expect(chooseThreads(500e6, { DISTILL_THREADS: '3' }, 16, 0)).toBe(3);
    expect(chooseThreads(1e6, {}, 16, 0)).toBe(1);
    expect(chooseThreads(135e6, {}, 16, 0)).toBe(8);
    expect(chooseThreads(135e6, {}, 4, 1)).toBe(3);
    expect(chooseThreads(135e6, {}, 2, 16)).toBe(1); // an overloaded shared machine
  });
});
