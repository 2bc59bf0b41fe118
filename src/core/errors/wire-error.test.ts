import { describe, expect, it } from 'vitest';
import { DistillError } from './distill-error.ts';
import { InvalidInputError } from './invalid-input-error.ts';
import { NotFoundError } from './not-found-error.ts';
import { ProviderError } from './provider-error.ts';
import { StoreError } from './store-error.ts';
import { fromWireError, toWireError, WireErrorSchema } from './wire-error.ts';

/** Through structured clone and back, as a worker's error reaches the main thread. */
const across = (e: DistillError) => fromWireError(WireErrorSchema.parse(structuredClone(toWireError(e))));

describe('DistillErrors across a worker-thread boundary', () => {
  it('come back as the same subclass with the same fields', () => {
    const provider = across(
      new ProviderError('rate-limit', 'slow down', {
        status: 429,
        retryAfterMs: 1500,
        hint: 'lower --concurrency',
      }),
    );
    expect(provider).toBeInstanceOf(ProviderError);
    expect(provider).toMatchObject({
      kind: 'rate-limit',
      status: 429,
      retryAfterMs: 1500,
      retryable: true,
      code: 'E_PROVIDER_RATE_LIMIT',
      hint: 'lower --concurrency',
      message: 'slow down',
    });
    const input = across(new InvalidInputError('bad', { field: 'seed', exitCode: 2 }));
    expect(input).toBeInstanceOf(InvalidInputError);
    expect(input).toMatchObject({ field: 'seed', exitCode: 2, code: 'E_INPUT' });
    const missing = across(new NotFoundError('run', 'no such run'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ what: 'run', message: 'no such run' });
    expect(across(new StoreError('locked', { hint: 'wait' }))).toBeInstanceOf(StoreError);
  });

  it('an unknown subclass name comes back as a DistillError with its message, code and hint', () => {
    const e = new DistillError('odd', { code: 'E_ODD', hint: 'h' });
    e.name = 'SomethingNew';
    const back = across(e);
    expect(back.constructor).toBe(DistillError);
    expect(back).toMatchObject({ message: 'odd', code: 'E_ODD', hint: 'h' });
  });
});
