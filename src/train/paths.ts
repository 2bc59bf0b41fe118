import { fileURLToPath } from 'node:url';

/** The `trainer/` folder (the Python worker package root), resolved from this module's location. */
export function trainerDir(): string {
  return fileURLToPath(new URL('../../trainer/', import.meta.url)).replace(/\/$/, '');
}

/** `trainer/requirements.txt`, whose hash keys the cached virtual environment. */
export function requirementsPath(): string {
  return `${trainerDir()}/requirements.txt`;
}
