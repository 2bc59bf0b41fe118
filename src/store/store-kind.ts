import type Database from 'better-sqlite3';
import { StoreError } from '../core/errors/store-error.ts';

/** What a SQLite file holds, judged without writing: nothing yet, a Distill store, or another application's data. */
export type StoreKind = 'empty' | 'distill' | 'foreign';

const MIGRATION_COLUMNS = ['applied_at', 'name', 'sha256', 'version'];

/**
 * Classify an open database. Distill's mark is its `schema_migrations` table with exactly the columns version,
 * name, sha256 and applied_at (`applyMigrations` creates it first). Anything else with a schema object (an app's
 * `users`, a Rails `schema_migrations(version)`) is foreign.
 */
export function storeKind(db: Database.Database): StoreKind {
  const objects = db
    .prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  if (objects.length === 0) return 'empty';
  if (!objects.includes('schema_migrations')) return 'foreign';
  const columns = (db.prepare('PRAGMA table_info(schema_migrations)').all() as Array<{ name: string }>)
    .map((c) => c.name)
    .sort();
  return columns.join(',') === MIGRATION_COLUMNS.join(',') ? 'distill' : 'foreign';
}

/** The error for a database Distill must not touch (exit 2: the user pointed --store at the wrong file). */
export function foreignStoreError(db: Database.Database, file: string): StoreError {
  const names = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 5",
    )
    .pluck()
    .all() as string[];
  return new StoreError(
    `${file} is another application's SQLite database${names.length ? ` (tables: ${names.join(', ')})` : ''}, not a Distill store; it was left untouched`,
    { exitCode: 2, hint: 'point --store (or DISTILL_STORE) at a Distill store, or at a new file' },
  );
}
