import { z } from 'zod';
import { AbortedError } from './aborted-error.ts';
import { DistillError } from './distill-error.ts';
import { InvalidInputError } from './invalid-input-error.ts';
import { ModelError } from './model-error.ts';
import { NotFoundError } from './not-found-error.ts';
import { ProviderError, type ProviderFailureKind } from './provider-error.ts';
import { SetupError } from './setup-error.ts';
import { StoreError } from './store-error.ts';

const KINDS = [
  'rate-limit',
  'server',
  'timeout',
  'truncated',
  'malformed',
  'empty',
  'auth',
  'bad-request',
  'content-filter',
  'network',
  'aborted',
] as const satisfies readonly ProviderFailureKind[];

/**
 * A DistillError as it crosses a worker-thread boundary (structured clone keeps no class): its class name and
 * fields, including ProviderError's, InvalidInputError's `field` and NotFoundError's `what`.
 */
export const WireErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string(),
  hint: z.string().optional(),
  exitCode: z.number().int(),
  kind: z.enum(KINDS).optional(),
  status: z.number().int().optional(),
  retryable: z.boolean().optional(),
  retryAfterMs: z.number().optional(),
  field: z.string().optional(),
  what: z.string().optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/** A DistillError flattened for `postMessage`. */
export function toWireError(e: DistillError): WireError {
  const wire: WireError = { name: e.name, message: e.message, code: e.code, exitCode: e.exitCode };
  if (e.hint !== undefined) wire.hint = e.hint;
  if (e instanceof ProviderError || e.name === 'ProviderError') {
    const p = e as ProviderError;
    wire.kind = p.kind;
    wire.retryable = p.retryable;
    if (p.status !== undefined) wire.status = p.status;
    if (p.retryAfterMs !== undefined) wire.retryAfterMs = p.retryAfterMs;
  }
  const extra = e as { field?: unknown; what?: unknown };
  if (typeof extra.field === 'string') wire.field = extra.field;
  if (typeof extra.what === 'string') wire.what = extra.what;
  return wire;
}

/** The error a flattened one stands for: the same DistillError subclass with the same fields. */
export function fromWireError(w: WireError): DistillError {
  const base = { code: w.code, exitCode: w.exitCode, ...(w.hint !== undefined ? { hint: w.hint } : {}) };
  switch (w.name) {
    case 'ProviderError':
      return new ProviderError(w.kind ?? 'network', w.message, {
        ...base,
        ...(w.status !== undefined ? { status: w.status } : {}),
        ...(w.retryable !== undefined ? { retryable: w.retryable } : {}),
        ...(w.retryAfterMs !== undefined ? { retryAfterMs: w.retryAfterMs } : {}),
      });
    case 'ModelError':
      return new ModelError(w.message, base);
    case 'SetupError':
      return new SetupError(w.message, base);
    case 'StoreError':
      return new StoreError(w.message, base);
    case 'AbortedError':
      return new AbortedError(w.message, base);
    case 'InvalidInputError':
      return new InvalidInputError(w.message, { ...base, ...(w.field ? { field: w.field } : {}) });
    case 'NotFoundError':
      return new NotFoundError(w.what ?? '', w.message, base);
    default:
      return new DistillError(w.message, base);
  }
}
