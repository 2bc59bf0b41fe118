import { DistillError, type DistillErrorOptions } from './distill-error.ts';

/** The environment is missing something (Python, a venv, Chromium, a binary). Hint says what to run. */
export class SetupError extends DistillError {
  constructor(message: string, options: DistillErrorOptions = {}) {
    super(message, { code: 'E_SETUP', exitCode: 3, ...options });
    this.name = 'SetupError';
  }
}
