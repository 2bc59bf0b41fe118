import { InvalidInputError } from '../core/errors/invalid-input-error.ts';

/** The `--json` flag every command takes. */
export const jsonArg = {
  json: { type: 'boolean', description: 'Machine-readable JSON output', default: false },
} as const;

/** Parse an integer CLI option, with a clear error naming the flag. */
export function intArg(
  value: string | undefined,
  flag: string,
  fallback: number,
  min = Number.MIN_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidInputError(
      `--${flag} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}, got '${value}'`,
    );
  return n;
}

/** Parse a number CLI option, with a clear error naming the flag. */
export function numArg(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidInputError(`--${flag} must be a number, got '${value}'`);
  return n;
}

/** Parse an optional number option (undefined when absent). */
export function optNumArg(value: string | undefined, flag: string): number | undefined {
  return value === undefined || value === '' ? undefined : numArg(value, flag, 0);
}
