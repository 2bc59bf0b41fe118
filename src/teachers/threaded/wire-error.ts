import { DistillError } from '../../core/errors/distill-error.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import { fromWireError, toWireError, type WireError, WireErrorSchema } from '../../core/errors/wire-error.ts';
import { toProviderError } from '../provider-errors.ts';

/**
 * What a failed `generate` in the worker sends back: a DistillError as it is, anything else first mapped the way
 * the teachers map a thrown error ({@link toProviderError}: malformed, timeout, truncated, else network).
 */
export function generateWireError(error: unknown, signal: AbortSignal | undefined): WireError {
  return toWireError(DistillError.isInstance(error) ? error : toProviderError(error, signal));
}

/** The error the worker reported, as the same DistillError subclass with the same fields. */
export function generateErrorFromWire(value: unknown): DistillError {
  const parsed = WireErrorSchema.safeParse(value);
  if (!parsed.success)
    return new ProviderError('network', 'The teacher HTTP worker sent an unreadable error', {
      hint: 'this is a bug in distill: report it with the command you ran',
    });
  return fromWireError(parsed.data);
}
