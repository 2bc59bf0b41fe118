import { describe, expect, it } from 'vitest';
import { ProviderError } from '../core/errors/provider-error.ts';
import { backoffDelay } from './backoff.ts';

describe('retry backoff', () => {
  it('backs off exponentially with jitter, capped, and never below Retry-After', () => {
    const e = new ProviderError('server', 'boom');
    expect(backoffDelay(1, e, { baseMs: 100, random: () => 0 })).toBe(50);
    expect(backoffDelay(3, e, { baseMs: 100, random: () => 0.999 })).toBeCloseTo(400, 0);
    expect(backoffDelay(20, e, { baseMs: 100, maxMs: 1000, random: () => 1 })).toBe(1000);
    const limited = new ProviderError('rate-limit', 'slow down', { retryAfterMs: 5000 });
    expect(backoffDelay(1, limited, { baseMs: 100, random: () => 0.5 })).toBe(5000);
  });
});
