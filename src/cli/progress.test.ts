import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from './progress.ts';

describe('Progress', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('counts a resumed job from where it resumed: rate and ETA exclude the work done before', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const p = new Progress({
      label: 'train',
      total: 1000,
      json: true,
      unit: 'step',
      intervalMs: 0,
      start: 800,
    });
    vi.advanceTimersByTime(10_000);
    p.update(850);
    const event = JSON.parse(lines.at(-1) ?? '{}') as { done: number; rate: number; etaS: number };
    expect(event.done).toBe(850);
    expect(event.rate).toBeCloseTo(5, 5); // 50 steps in 10 s, not 850
    expect(event.etaS).toBeCloseTo(30, 5); // 150 steps left at 5/s
  });
});
