import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { MAX_HTTP_THREADS } from '../teachers/threaded/http-threads.ts';

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

/** A number option that must be > 0 (timeouts, durations). */
export function positiveNumArg(value: string | undefined, flag: string, fallback: number): number {
  const n = numArg(value, flag, fallback);
  if (n <= 0) throw new InvalidInputError(`--${flag} must be greater than 0, got '${value}'`);
  return n;
}

/** `--temperature`: ≥ 0 (0 = greedy). */
export function temperatureArg(value: string | undefined, fallback: number): number {
  const t = numArg(value, 'temperature', fallback);
  if (t < 0) throw new InvalidInputError(`--temperature must be ≥ 0 (0 = greedy), got '${value}'`);
  return t;
}

/** `--top-p`: in (0, 1]. */
export function topPArg(value: string | undefined, fallback: number): number {
  const p = numArg(value, 'top-p', fallback);
  if (!(p > 0 && p <= 1)) throw new InvalidInputError(`--top-p must be in (0, 1], got '${value}'`);
  return p;
}

/**
 * Every value of a repeatable string option (`--teacher`, `--model`), in order: citty keeps only the last of a
 * repeated option, so the raw arguments are read (`--NAME V` and `--NAME=V` both count). Falls back to the parsed value.
 */
export function repeatedArg(rawArgs: readonly string[], name: string, parsed: unknown): string[] {
  const flag = `--${name}`;
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === '--') break;
    if (a === flag && i + 1 < rawArgs.length) values.push(rawArgs[++i]!);
    else if (a.startsWith(`${flag}=`)) values.push(a.slice(flag.length + 1));
  }
  if (values.length === 0 && typeof parsed === 'string' && parsed !== '') values.push(parsed);
  return values.filter((v) => v !== '');
}

/** `--http-threads`: `auto` (the default) or an integer from 0 (the teacher's HTTP on the main thread) to 16. */
export function httpThreadsArg(value: string | undefined): number | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  const n = intArg(value, 'http-threads', 0, 0);
  if (n > MAX_HTTP_THREADS)
    throw new InvalidInputError(
      `--http-threads must be 'auto' or an integer from 0 to ${MAX_HTTP_THREADS}, got '${value}'`,
    );
  return n;
}

/** The `--http-threads` option of the commands that query a teacher (`generate`, `eval`). */
export const httpThreadsOption = {
  'http-threads': {
    type: 'string',
    description: `Worker threads for the teacher's HTTP, 0 to ${MAX_HTTP_THREADS} (OpenAI-chat teachers on the undici transport; others stay in-process). Defaults to auto: 1 for openai-compatible: on 2+ cores with 64+ requests in flight (--concurrency, or the pool's capacity), else 0`,
  },
} as const;
