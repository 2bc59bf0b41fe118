import { existsSync } from 'node:fs';
import { type OpenStoreOptions, openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { resolveStorePath } from '../../store/store-path.ts';

/** The `--store` option every command that reads or writes runs takes. */
export const storeArg = {
  store: {
    type: 'string',
    description: 'SQLite store file. Defaults to $DISTILL_STORE, else .distill/distill.sqlite',
  },
} as const;

/** Open the store named by `--store` / `$DISTILL_STORE` / the default path. */
export function openStoreFromArgs(args: { store?: string | undefined }, options?: OpenStoreOptions): Store {
  return openStore(resolveStorePath({ flag: args.store }), options);
}

/**
 * For commands that only look (e.g. `generate --dry-run`): the store read-only when it exists, else an empty
 * in-memory one, so that looking never creates or migrates a file.
 */
export function openStoreToLook(args: { store?: string | undefined }): Store {
  const path = resolveStorePath({ flag: args.store });
  return existsSync(path) ? openStore(path, { readonly: true }) : openStore(':memory:');
}
