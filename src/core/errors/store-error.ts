import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** The SQLite store cannot be opened or used (newer schema, corruption, locked). */
export class StoreError extends DistillError {
  constructor(message: string, options: DistillErrorOptions = {}) {
    super(message, { code: 'E_STORE', ...options });
    this.name = 'StoreError';
  }
}
