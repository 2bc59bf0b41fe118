import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, ConfigSchema } from '../core/config.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { validate } from '../core/validate.ts';

/**
 * Read `distill.config.json` (or the given path): price overrides and API-key env var names. A missing default file
 * gives the defaults; a missing explicit file is an error.
 */
export function loadConfigFile(path?: string): Config {
  const file = resolve(path ?? 'distill.config.json');
  if (!existsSync(file)) {
    if (path) throw new InvalidInputError(`Config file not found: ${file}`, { hint: 'check --config' });
    return ConfigSchema.parse({});
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(`Config file ${file} is not valid JSON`, {
      cause,
      hint: 'fix the JSON syntax',
    });
  }
  return validate(ConfigSchema, json, `config ${file}`);
}
