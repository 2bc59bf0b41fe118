import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { StoreError } from '../core/errors/store-error.ts';
import { sha256 } from '../core/hash.ts';

/** One `NNN-topic.sql` file of `src/store/migrations/`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

/** The folder the store's migrations live in. */
export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

const fileName = /^(\d{3})-([a-z0-9][a-z0-9-]*)\.sql$/;

/**
 * Every `NNN-topic.sql` in `dir`, sorted by version. Number ranges are reserved per area so parallel work never
 * collides: 001–009 core, 010–019 generation/teachers, 020–029 curation, 030–039 evaluation, 040–049 recipes,
 * 050–059 training.
 */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = fileName.exec(file);
    if (!match) {
      throw new StoreError(`Migration file '${file}' is not named NNN-topic.sql`, {
        hint: `rename it in ${dir}, e.g. 012-teacher-prices.sql`,
      });
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous?.version === version) {
      throw new StoreError(`Two migrations share version ${version}: ${previous.name} and ${file}`, {
        hint: 'give each migration its own number inside your reserved range',
      });
    }
    migrations.push({ version, name: file, sql, sha256: sha256(sql) });
  }
  if (migrations.length === 0) throw new StoreError(`No migrations found in ${dir}`);
  return migrations;
}

/** What a store file has applied so far (read without writing anything). */
export interface SchemaState {
  userVersion: number;
  applied: Map<number, string>;
}

export function readSchemaState(db: Database.Database): SchemaState {
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const applied = new Map<number, string>();
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (hasTable) {
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all() as Array<{
      version: number;
      name: string;
    }>;
    for (const row of rows) applied.set(row.version, row.name);
  }
  return { userVersion, applied };
}

/**
 * Refuse a store that a newer Distill wrote: its schema version is above every migration this code knows, or it
 * has applied a migration this code lacks. Nothing is written before this check passes.
 */
export function assertNotNewer(state: SchemaState, migrations: Migration[], path: string): void {
  const known = new Set(migrations.map((m) => m.version));
  const codeVersion = Math.max(...known);
  const unknown = [...state.applied.keys()].filter((v) => !known.has(v));
  const storeVersion = Math.max(state.userVersion, ...state.applied.keys());
  if (storeVersion > codeVersion) {
    throw new StoreError(
      `Store ${path} was created by a newer Distill (schema ${storeVersion} > ${codeVersion}); upgrade Distill`,
      { hint: 'install the newer Distill that wrote this store, or point --store at another file' },
    );
  }
  if (unknown.length > 0) {
    throw new StoreError(
      `Store ${path} has migration(s) ${unknown.join(', ')} that this Distill does not know; upgrade Distill`,
      { hint: 'use the Distill version that wrote this store, or point --store at another file' },
    );
  }
}

/**
 * A migration whose first line is this runs with foreign keys off (a table rebuild: dropping the old table must not
 * cascade into the tables that reference it); every foreign key is checked before it commits.
 */
const FOREIGN_KEYS_OFF = /^-- distill: foreign keys off\s*$/m;

/** Fail (rolling the migration back) when any foreign key of the store is broken. */
function assertForeignKeys(db: Database.Database, migration: Migration): void {
  const broken = db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
  if (broken.length === 0) return;
  const first = broken[0]!;
  throw new StoreError(
    `Migration ${migration.name} would leave ${broken.length} broken foreign key(s) (first: ${first.table} -> ${first.parent})`,
    { hint: 'the store was left unchanged by this migration; fix the SQL file and retry' },
  );
}

/**
 * Run `apply` (one migration's transaction) with foreign keys off when `off`. SQLite ignores
 * `PRAGMA foreign_keys` inside a transaction, so it is switched around it, and restored however it ends.
 */
function withForeignKeys<T>(db: Database.Database, off: boolean, apply: () => T): T {
  if (!off) return apply();
  const before = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    return apply();
  } finally {
    db.pragma(`foreign_keys = ${before ? 'ON' : 'OFF'}`);
  }
}

/** Apply every migration not yet recorded, each in its own IMMEDIATE transaction. Returns the versions applied. */
export function applyMigrations(db: Database.Database, migrations: Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const done: number[] = [];
  for (const migration of migrations) {
    const foreignKeysOff = FOREIGN_KEYS_OFF.test(migration.sql.split('\n', 1)[0] ?? '');
    const apply = db.transaction(() => {
      // Re-check inside the write lock: another process may have applied it meanwhile.
      const exists = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (exists) return false;
      try {
        db.exec(migration.sql);
      } catch (cause) {
        throw new StoreError(`Migration ${migration.name} failed: ${(cause as Error).message}`, {
          cause,
          hint: 'the store was left unchanged by this migration; fix the SQL file and retry',
        });
      }
      if (foreignKeysOff) assertForeignKeys(db, migration);
      db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        migration.sha256,
        new Date().toISOString(),
      );
      const current = db.pragma('user_version', { simple: true }) as number;
      if (migration.version > current) db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    if (withForeignKeys(db, foreignKeysOff, () => apply.immediate())) done.push(migration.version);
  }
  return done;
}
