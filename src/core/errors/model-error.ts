import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** A model file could not be loaded, run, trained or converted. */
export class ModelError extends DistillError {
  constructor(message: string, options: DistillErrorOptions = {}) {
    super(message, { code: 'E_MODEL', ...options });
    this.name = 'ModelError';
  }
}
