import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import {
  applyMigrations,
  assertNotNewer,
  loadMigrations,
  migrationsDir,
  readSchemaState,
} from './migrate.ts';
import { Store } from './store.ts';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /**
   * `normal` (WAL + synchronous=NORMAL): a committed batch survives any process crash; the last commits may roll
   * back on power loss. `full` (synchronous=FULL) also survives power loss, at a cost per commit.
   * Defaults to `normal`.
   */
  durability?: 'normal' | 'full';
  /** How long to wait for another process's write lock, in ms. Defaults to 15000. */
  busyTimeoutMs?: number;
  /** Fail with NotFoundError instead of creating a missing store. Defaults to false. */
  mustExist?: boolean;
  /** Folder of `NNN-topic.sql` migrations. Defaults to `src/store/migrations`. */
  migrationsDir?: string;
}

function isSqliteError(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && codes.some((c) => code.startsWith(c));
}

/**
 * Open (creating parent folders and the file if needed) and migrate a Distill store. A store written by a newer
 * Distill is refused with a StoreError before anything is written to it.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:' && !existsSync(file)) {
    if (options.mustExist) {
      throw new NotFoundError('store', `No store at ${file}`, {
        hint: 'run a command that writes runs first (e.g. `distill generate`), or pass --store',
      });
    }
    mkdirSync(dirname(file), { recursive: true });
  }
  const migrations = loadMigrations(options.migrationsDir ?? migrationsDir);
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new StoreError(`Cannot open store ${file}: ${(cause as Error).message}`, {
      cause,
      hint: 'check the path and its permissions',
    });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 15_000))}`);
    // Read-only checks first: a newer or foreign file must not be touched.
    assertNotNewer(readSchemaState(db), migrations, file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    applyMigrations(db, migrations);
    return new Store(db, file);
  } catch (error) {
    db.close();
    if (StoreError.isInstance(error)) throw error;
    if (isSqliteError(error, 'SQLITE_NOTADB', 'SQLITE_CORRUPT')) {
      throw new StoreError(`${file} is not a Distill store (or is damaged): ${(error as Error).message}`, {
        cause: error,
        hint: 'point --store at another file',
      });
    }
    if (isSqliteError(error, 'SQLITE_BUSY')) {
      throw new StoreError(`Store ${file} is locked by another process`, {
        cause: error,
        hint: 'wait for the other Distill command to finish, or raise the busy timeout',
      });
    }
    throw new StoreError(`Cannot open store ${file}: ${(error as Error).message}`, { cause: error });
  }
}
