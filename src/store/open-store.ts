import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DistillError } from '../core/errors/distill-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import {
  applyMigrations,
  assertNotNewer,
  loadMigrations,
  type Migration,
  migrationsDir,
  readSchemaState,
} from './migrate.ts';
import { Store } from './store.ts';
import { foreignStoreError, storeKind } from './store-kind.ts';

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
  /**
   * Open for reading only (commands that only read: `runs`, `compare`, `export`): never create, migrate or write
   * the file, and work on a file or folder the user cannot write. Implies `mustExist`. Defaults to false.
   */
  readonly?: boolean;
  /** Folder of `NNN-topic.sql` migrations. Defaults to `src/store/migrations`. */
  migrationsDir?: string;
}

/** Page size of a store this version creates, in bytes. */
export const NEW_STORE_PAGE_SIZE = 16_384;

/** Bytes of WAL after which a commit checkpoints it into the main file (SQLite counts it in pages). */
const WAL_AUTOCHECKPOINT_BYTES = 40_960_000;

function isSqliteError(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && codes.some((c) => code.startsWith(c));
}

/** Errors of a read-only open of a WAL file whose `-shm` cannot be created (a read-only folder). */
const CANNOT_MAP_WAL = [
  'SQLITE_READONLY_DIRECTORY',
  'SQLITE_READONLY_CANTINIT',
  'SQLITE_READONLY_CANTLOCK',
  'SQLITE_READONLY_RECOVERY',
  'SQLITE_CANTOPEN',
];

/**
 * A read-only connection to `file`. SQLite needs a writable folder to read a WAL-mode file (for its `-shm`); where
 * there is none, the file is read into memory instead (its header switched to rollback mode in the copy only).
 */
function openForReading(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    if (!isSqliteError(error, ...CANNOT_MAP_WAL)) throw error;
  }
  const bytes = readFileSync(file);
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return new Database(bytes, { readonly: true });
}

/** Refuse, before any write, a file that is not Distill's or that a newer Distill wrote. */
function assertOpenable(db: Database.Database, migrations: Migration[], file: string): void {
  if (storeKind(db) === 'foreign') throw foreignStoreError(db, file);
  assertNotNewer(readSchemaState(db), migrations, file);
}

/** Map SQLite's errors on opening to StoreErrors with a hint. */
function openError(error: unknown, file: string): Error {
  if (DistillError.isInstance(error)) return error;
  if (isSqliteError(error, 'SQLITE_NOTADB', 'SQLITE_CORRUPT')) {
    return new StoreError(`${file} is not a Distill store (or is damaged): ${(error as Error).message}`, {
      cause: error,
      exitCode: 2,
      hint: 'point --store at another file',
    });
  }
  if (isSqliteError(error, 'SQLITE_BUSY')) {
    return new StoreError(`Store ${file} is locked by another process`, {
      cause: error,
      hint: 'wait for the other Distill command to finish, or raise the busy timeout',
    });
  }
  return new StoreError(`Cannot open store ${file}: ${(error as Error).message}`, {
    cause: error,
    hint: 'check the path and its permissions',
  });
}

function missingStore(file: string, detail = ''): NotFoundError {
  return new NotFoundError('store', `No store at ${file}${detail}`, {
    hint: 'run a command that writes runs first (e.g. `distill generate`), or pass --store',
  });
}

/** Open an existing store for reading only: nothing is created, migrated or written. */
function openReadOnly(file: string, migrations: Migration[], options: OpenStoreOptions): Store {
  let db: Database.Database;
  try {
    db = openForReading(file);
  } catch (error) {
    throw openError(error, file);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 15_000))}`);
    if (storeKind(db) === 'empty') throw missingStore(file, ' (the file is empty)');
    assertOpenable(db, migrations, file);
    return new Store(db, file);
  } catch (error) {
    db.close();
    throw openError(error, file);
  }
}

/**
 * Open a Distill store. Writers (the default) create it (and its folders) when missing and migrate it; a file
 * that holds another application's database, or a newer Distill's store, is refused before anything is written to
 * it (checked through a read-only connection). With `readonly`, an existing store is opened for reading only.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const file = path === ':memory:' ? path : resolve(path);
  const exists = file !== ':memory:' && existsSync(file);
  if (file !== ':memory:' && !exists) {
    if (options.mustExist || options.readonly) throw missingStore(file);
    mkdirSync(dirname(file), { recursive: true });
  }
  const migrations = loadMigrations(options.migrationsDir ?? migrationsDir);
  if (options.readonly && file !== ':memory:') return openReadOnly(file, migrations, options);
  if (exists) {
    let probe: Database.Database | undefined;
    try {
      probe = openForReading(file);
      assertOpenable(probe, migrations, file);
    } catch (error) {
      throw openError(error, file);
    } finally {
      probe?.close();
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    throw openError(cause, file);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 15_000))}`);
    // Checked again on the writing connection: the file may have changed since the probe.
    assertOpenable(db, migrations, file);
    // A new store gets larger pages (set before its first write; an existing store keeps its own): a sample row
    // is 1–50 kB, and a commit costs about a write per page touched, so 16 KiB pages made a batch of samples ~20%
    // cheaper to write than SQLite's 4 KiB default (bench/generate).
    if (db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${NEW_STORE_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    // Checkpoint the WAL every ~40 MB instead of SQLite's 4 MB: a checkpoint copies each page once however often
    // it changed since the last one (hot index pages change in every batch), and fsyncs, blocking the writer's
    // event loop. Durability is the same (commits are in the WAL either way).
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${Math.round(WAL_AUTOCHECKPOINT_BYTES / pageSize)}`);
    db.pragma('foreign_keys = ON');
    applyMigrations(db, migrations);
    return new Store(db, file, {
      ...(options.durability ? { durability: options.durability } : {}),
      ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
      ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}),
    });
  } catch (error) {
    db.close();
    throw openError(error, file);
  }
}
