import { readFileSync, statSync } from 'node:fs';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { normalizeAllowedHost, normalizeOrigin } from '../server/index.ts';

/** Where `distill serve` found its API key, and what to warn about. */
export interface ResolvedApiKey {
  key: string | undefined;
  source: 'flag' | 'file' | 'env' | 'none';
  /** One-line warnings for stderr (a key on the command line, a key file others can read). */
  warnings: string[];
}

/** The key in `--api-key-file PATH`: the file's one line, whitespace trimmed. */
function readKeyFile(path: string): { key: string; warnings: string[] } {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode;
  } catch (error) {
    throw new InvalidInputError(`Cannot read --api-key-file '${path}': ${(error as Error).message}`, {
      hint: 'write the key on one line to a file only you can read: umask 077; echo "$KEY" > ~/.distill-key',
    });
  }
  const key = text.trim();
  if (!key)
    throw new InvalidInputError(`--api-key-file '${path}' is empty`, { hint: 'write the key on one line' });
  if (/\s/.test(key))
    throw new InvalidInputError(`--api-key-file '${path}' holds more than one word`, {
      hint: 'the file must hold just the key, on one line',
    });
  const warnings =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? [
          `--api-key-file '${path}' can be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 '${path}'`,
        ]
      : [];
  return { key, warnings };
}

/**
 * The API key `distill serve` requires, from `--api-key-file PATH`, then `DISTILL_API_KEY`; `--api-key KEY` still
 * works but warns, since any user can read a process's arguments (`ps`) and the shell keeps them in its history.
 */
export function resolveApiKey(options: { flag?: string; file?: string; env?: string }): ResolvedApiKey {
  const { flag, file, env } = options;
  if (flag !== undefined && file !== undefined)
    throw new InvalidInputError('Give --api-key or --api-key-file, not both', {
      hint: 'prefer --api-key-file PATH or the DISTILL_API_KEY env var',
    });
  if (flag !== undefined) {
    if (!flag.trim())
      throw new InvalidInputError('--api-key is empty', {
        hint: 'set DISTILL_API_KEY or use --api-key-file PATH',
      });
    return {
      key: flag.trim(),
      source: 'flag',
      warnings: [
        '--api-key is visible to other users in `ps` and in your shell history; set DISTILL_API_KEY or use --api-key-file PATH instead',
      ],
    };
  }
  if (file !== undefined) return { ...readKeyFile(file), source: 'file' };
  if (env?.trim()) return { key: env.trim(), source: 'env', warnings: [] };
  return { key: undefined, source: 'none', warnings: [] };
}

/** Whether `--host` binds loopback only (127.0.0.0/8, ::1, localhost), so no other machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Split a comma-separated or repeated option into its non-empty values. */
function list(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** `--cors ORIGIN[,ORIGIN]` or `--cors '*'`: normalised origins; exit 2 on anything that is not an origin. */
export function parseCorsOrigins(values: string[]): string[] {
  return list(values).map((value) => {
    const origin = normalizeOrigin(value);
    if (!origin)
      throw new InvalidInputError(`--cors '${value}' is not an origin`, {
        hint: "give scheme://host[:port] with no path (e.g. --cors https://app.example,http://localhost:5173), or '*'",
      });
    return origin;
  });
}

/** `--allowed-hosts NAME[,NAME]`: host names (`.example.com` for subdomains too, or `all`); exit 2 on junk. */
export function parseAllowedHosts(values: string[]): string[] {
  return list(values).map((value) => {
    const host = normalizeAllowedHost(value);
    if (!host)
      throw new InvalidInputError(`--allowed-hosts '${value}' is not a host name`, {
        hint: 'give names such as gpu.lan or .example.com (that domain and its subdomains), or all',
      });
    return host;
  });
}
