import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** A long operation was interrupted (AbortSignal, SIGINT). Exit code 130. */
export class AbortedError extends DistillError {
  constructor(
    message = 'Interrupted; run the same command again to resume.',
    options: DistillErrorOptions = {},
  ) {
    super(message, { code: 'E_ABORTED', exitCode: 130, ...options });
    this.name = 'AbortedError';
  }
}
