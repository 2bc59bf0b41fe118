const marker = 'distill.error';
const symbol = Symbol.for(marker);

export interface DistillErrorOptions {
  /** Stable machine-readable code, e.g. `E_INPUT`. */
  code?: string;
  /** One actionable sentence telling the user what to do next. */
  hint?: string;
  cause?: unknown;
  /** Process exit code when this error reaches the CLI. Defaults to 1. */
  exitCode?: number;
}

/**
 * The one error base class of Distill. Every failure a caller should handle is a subclass.
 * `isInstance` works across module copies thanks to a `Symbol.for` marker.
 */
export class DistillError extends Error {
  readonly [symbol] = true;
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: DistillErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'DistillError';
    this.code = options.code ?? 'E_DISTILL';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }

  static isInstance(error: unknown): error is DistillError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
  }

  /** One line for humans: message plus hint. */
  toLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }

  toJSON(): { name: string; code: string; message: string; hint?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}
