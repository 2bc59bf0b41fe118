import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { busiestThreadSeconds, threadCpuSeconds } from '../bench/thread-cpu.ts';

describe.skipIf(!existsSync('/proc/self/task'))("bench/generate's per-thread CPU", () => {
  it('reads each thread of this process, and the busiest is the one that just spun', () => {
    const before = threadCpuSeconds();
    expect(before.get(String(process.pid))).toBeGreaterThanOrEqual(0);
    const spinUntil = performance.now() + 200;
    let x = 0;
    while (performance.now() < spinUntil) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const after = threadCpuSeconds();
    const spun = after.get(String(process.pid))! - before.get(String(process.pid))!;
    // 200 ms of spinning in 10 ms ticks, on a machine that may be shared: most of it is counted.
    expect(spun).toBeGreaterThan(0.05);
    expect(busiestThreadSeconds(before, after)).toBe(spun);
  });
});
