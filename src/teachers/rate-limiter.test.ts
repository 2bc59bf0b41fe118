import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, RateLimiter } from './rate-limiter.ts';

describe('rate limits', () => {
  it('never lets more requests through than the RPM budget allows', async () => {
    const limiter = new RateLimiter({ rpm: 600 }); // 10/s, starting with one second of budget
    const started = performance.now();
    let passed = 0;
    const deadline = started + 300;
    while (performance.now() < deadline) {
      await limiter.acquire(1);
      if (performance.now() <= deadline) passed += 1;
    }
    const elapsed = performance.now() - started;
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(passed).toBeLessThanOrEqual(10 + Math.ceil(elapsed / 100) + 1);
  });

  it('holds every request during a provider-requested pause, and charges TPM corrections', async () => {
    const limiter = new RateLimiter({ tpm: 60_000 });
    limiter.pause(150);
    const t = performance.now();
    await limiter.acquire(10);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    limiter.settle(10, 2_000); // used far more than estimated: the bucket is now in debt
    const t2 = performance.now();
    await limiter.acquire(10);
    expect(performance.now() - t2).toBeGreaterThanOrEqual(600); // ≈ (1990 − ~1150 refilled) ms of debt
  });

  it('halves concurrency on a rate limit and grows it back one step per streak of successes', () => {
    const c = new AdaptiveConcurrency(16, 4);
    c.onRateLimit();
    c.onRateLimit();
    expect(c.limit).toBe(4);
    for (let i = 0; i < 8; i++) c.onSuccess();
    expect(c.limit).toBe(6);
    for (let i = 0; i < 100; i++) c.onSuccess();
    expect(c.limit).toBe(16);
  });
});

describe('taking budget without waiting', () => {
  it('tryAcquire takes what is there now and nothing when it would have to wait', async () => {
    let t = 0;
    const limiter = new RateLimiter({ rpm: 60, now: () => t }); // 1/s, starting with one request of budget
    expect(limiter.tryAcquire(1)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(false); // the bucket is empty: nothing taken
    t = 1000;
    expect(limiter.tryAcquire(1)).toBe(true); // refilled one request, and a failed try took none of it
    t = 2000;
    limiter.pause(500);
    expect(limiter.tryAcquire(1)).toBe(false);
    t = 2500;
    expect(limiter.tryAcquire(1)).toBe(true);
    expect(new RateLimiter().tryAcquire(1_000_000)).toBe(true); // no limits: never waits
  });
});
