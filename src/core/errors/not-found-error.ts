import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** A named thing (file, run, model, task family) does not exist. */
export class NotFoundError extends DistillError {
  readonly what: string;
  constructor(what: string, message: string, options: DistillErrorOptions = {}) {
    super(message, { code: 'E_NOT_FOUND', exitCode: 2, ...options });
    this.name = 'NotFoundError';
    this.what = what;
  }
}
