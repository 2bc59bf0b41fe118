import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { busiestThreadSeconds, threadCpuSeconds } from '../bench/thread-cpu.ts';

describe.skipIf(!existsSync('/proc/self/task'))("bench/generate's per-thread CPU", () => {
  it('reads each thread of this process, and the busiest is the one that just spun', () => {
    const before = threadCpuSeconds();
    expect(before.get(String(process.pid))).toBeGreaterThanOrEqual(0);
    // Spin for 200 ms of this process's CPU time (not wall-clock: a loaded machine would give it less).
    const start = process.cpuUsage();
    let x = 0;
    for (;;) {
      const used = process.cpuUsage(start);
      if (used.user + used.system >= 200_000) break;
      for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    }
    expect(x).toBeGreaterThan(0);
    const after = threadCpuSeconds();
    const spun = after.get(String(process.pid))! - before.get(String(process.pid))!;
    // Counted in 10 ms ticks: nearly all of the 200 ms is this (main) thread's.
    expect(spun).toBeGreaterThan(0.15);
    expect(busiestThreadSeconds(before, after)).toBe(spun);
  });
});
