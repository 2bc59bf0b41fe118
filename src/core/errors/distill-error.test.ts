import { describe, expect, it } from 'vitest';
import { DistillError, InvalidInputError, ProviderError } from './index.ts';

describe('DistillError', () => {
  it('recognises subclasses across the hierarchy and renders one line with a hint', () => {
    const err = new InvalidInputError('--n must be positive', { hint: 'pass --n 5' });
    expect(DistillError.isInstance(err)).toBe(true);
    expect(DistillError.isInstance(new Error('x'))).toBe(false);
    expect(err.exitCode).toBe(2);
    expect(err.toLine()).toBe('--n must be positive — pass --n 5');
  });

  it('marks provider failures retryable by kind', () => {
    expect(new ProviderError('rate-limit', '429').retryable).toBe(true);
    expect(new ProviderError('auth', '401').retryable).toBe(false);
    expect(new ProviderError('rate-limit', '429').code).toBe('E_PROVIDER_RATE_LIMIT');
  });
});
