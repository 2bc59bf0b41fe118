import type Database from 'better-sqlite3';
import { StoreError } from '../core/errors/store-error.ts';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement for `sql`, cached per connection (preparing is the slow part of small queries). */
export function prepared<P extends unknown[] = unknown[], R = unknown>(
  db: Database.Database,
  sql: string,
): Database.Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement as Database.Statement<P, R>;
}

/** The current time as stored in every timestamp column (ISO 8601, UTC). */
export function now(): string {
  return new Date().toISOString();
}

/**
 * Run `fn` in one IMMEDIATE transaction (a savepoint when nested). A lock held past the busy timeout becomes a
 * StoreError with a hint instead of a raw SQLITE_BUSY.
 */
export function writeTransaction<T>(db: Database.Database, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new StoreError(`Store ${db.name} is busy: another process holds its write lock`, {
        cause: error,
        hint: 'wait for the other Distill command to finish, or raise busyTimeoutMs',
      });
    }
    throw error;
  }
}
