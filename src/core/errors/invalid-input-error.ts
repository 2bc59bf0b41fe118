import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** Bad user input: CLI arguments, files, request bodies. Exit code 2. */
export class InvalidInputError extends DistillError {
  readonly field: string | undefined;
  constructor(message: string, options: DistillErrorOptions & { field?: string } = {}) {
    super(message, { code: 'E_INPUT', exitCode: 2, ...options });
    this.name = 'InvalidInputError';
    this.field = options.field;
  }
}
