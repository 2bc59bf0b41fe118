import { resolve } from 'node:path';

/** Where the store lives unless told otherwise (relative to the working directory). */
export const defaultStorePath = '.distill/distill.sqlite';

/** Inputs of `resolveStorePath`. */
export interface StorePathOptions {
  /** The `--store` flag. Wins over everything. */
  flag?: string | undefined;
  /** The config file's `storePath`. */
  configPath?: string | undefined;
  /** Defaults to `process.env`; `DISTILL_STORE` overrides the config and the default. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to `process.cwd()`. */
  cwd?: string;
}

/** The absolute store path every command uses: `--store`, else `$DISTILL_STORE`, else config, else the default. */
export function resolveStorePath(options: StorePathOptions = {}): string {
  const env = options.env ?? process.env;
  const chosen = [options.flag, env.DISTILL_STORE, options.configPath].find(
    (p) => p !== undefined && p !== '',
  );
  return resolve(options.cwd ?? process.cwd(), chosen ?? defaultStorePath);
}
