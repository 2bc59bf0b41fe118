import type { z } from 'zod';
import { InvalidInputError } from './errors/invalid-input-error.ts';

/** Result of validating a value at a boundary. */
export type ValidationResult<T> = { success: true; value: T } | { success: false; error: InvalidInputError };

/** Validate `value` with `schema` without throwing. `what` names the thing for the error message. */
export function safeValidate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): ValidationResult<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { success: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return {
    success: false,
    error: new InvalidInputError(
      `Invalid ${what}${where}: ${issue?.message ?? 'does not match its schema'}`,
      {
        cause: parsed.error,
        field: issue?.path.join('.'),
      },
    ),
  };
}

/** Validate or throw an InvalidInputError. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = safeValidate(schema, value, what);
  if (!result.success) throw result.error;
  return result.value;
}
