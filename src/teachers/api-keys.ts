import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SetupError } from '../core/errors/setup-error.ts';
import type { ProviderName } from './uri.ts';

/** Default env var per provider. `openai-compatible` and `ollama` usually need none. */
export const DEFAULT_KEY_ENV: Record<ProviderName, string> = {
  deepseek: 'DEEPSEEK_API_KEY',
  azure: 'AZURE_API_KEY',
  'openai-compatible': 'OPENAI_COMPATIBLE_API_KEY',
  openai: 'OPENAI_API_KEY',
  ollama: 'OLLAMA_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gguf: '',
};

const KeysFileSchema = z.record(z.string(), z.string().min(1));

export interface ApiKeyOptions {
  /** Environment to read. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Env var name overrides per provider (config `apiKeyEnv`). Defaults to none. */
  apiKeyEnv?: Record<string, string>;
  /**
   * A JSON file `{ "<provider>": "<key>" }`, for hosts where env vars are awkward. Defaults to `$DISTILL_KEYS_FILE`,
   * else `~/.config/distill/keys.json` when it exists. It must not be readable by group/others.
   */
  keysFile?: string;
}

/**
 * The API key for a provider, from its env var or the keys file. Returns undefined when none is set (local servers).
 * The key is only ever handed to the HTTP client: never stored, logged or echoed.
 */
export function resolveApiKey(provider: ProviderName, options: ApiKeyOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const name = options.apiKeyEnv?.[provider] ?? DEFAULT_KEY_ENV[provider];
  const fromEnv = name ? env[name] : undefined;
  if (fromEnv) return fromEnv;
  const file =
    options.keysFile ?? env.DISTILL_KEYS_FILE ?? join(homedir(), '.config', 'distill', 'keys.json');
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  if ((stat.mode & 0o077) !== 0)
    throw new SetupError(`API keys file ${file} is readable by other users`, {
      hint: `run: chmod 600 ${file}`,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new SetupError(`API keys file ${file} is not valid JSON`, {
      cause,
      hint: 'write {"deepseek": "sk-…"}',
    });
  }
  const keys = KeysFileSchema.safeParse(parsed);
  if (!keys.success)
    throw new SetupError(`API keys file ${file} must map provider names to key strings`, {
      hint: 'write {"deepseek": "sk-…"}',
    });
  return keys.data[provider];
}
