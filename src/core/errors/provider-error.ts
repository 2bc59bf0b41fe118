import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** Kinds of teacher/provider failure, recorded per request. */
export type ProviderFailureKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'truncated'
  | 'malformed'
  | 'empty'
  | 'auth'
  | 'bad-request'
  | 'content-filter'
  | 'network'
  | 'aborted';

/** A teacher request failed. `retryable` says whether the engine may try again. */
export class ProviderError extends DistillError {
  readonly kind: ProviderFailureKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ProviderFailureKind,
    message: string,
    options: DistillErrorOptions & { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message, { code: `E_PROVIDER_${kind.toUpperCase().replace('-', '_')}`, ...options });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = options.status;
    this.retryable =
      options.retryable ?? ['rate-limit', 'server', 'timeout', 'truncated', 'network'].includes(kind);
    this.retryAfterMs = options.retryAfterMs;
  }
}
