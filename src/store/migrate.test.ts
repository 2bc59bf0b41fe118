import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../core/hash.ts';
import { loadMigrations, migrationsDir } from './migrate.ts';
import { openStore } from './open-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'distill-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the real migrations folder that a test may add files to. */
function migrationsCopy(): string {
  const copy = join(dir, 'migrations');
  mkdirSync(copy);
  for (const m of loadMigrations()) copyFileSync(join(migrationsDir, m.name), join(copy, m.name));
  return copy;
}

describe('migrations', () => {
  it('applies every migration once, in order, and records it', () => {
    const path = join(dir, 's.sqlite');
    const known = loadMigrations();
    openStore(path).close();
    const store = openStore(path); // reopening applies nothing new
    const rows = store.db
      .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
      .all();
    expect(rows).toEqual(known.map((m) => ({ version: m.version, name: m.name, sha256: m.sha256 })));
    expect(store.schemaVersion).toBe(known.at(-1)!.version);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
  });

  it('discovers a migration added later, including one numbered below the current version', () => {
    const folder = migrationsCopy();
    const path = join(dir, 's.sqlite');
    writeFileSync(join(folder, '901-test-later.sql'), 'CREATE TABLE test_later (x INTEGER) STRICT;');
    openStore(path, { migrationsDir: folder }).close();
    writeFileSync(join(folder, '900-test-lower.sql'), 'CREATE TABLE test_lower (y TEXT) STRICT;');
    const store = openStore(path, { migrationsDir: folder });
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual([...loadMigrations().map((m) => m.version), 900, 901]);
    expect(store.schemaVersion).toBe(901);
    store.db.prepare('INSERT INTO test_lower VALUES (?)').run('ok');
    store.close();
  });

  it('rolls back a failing migration completely and reports it', () => {
    const folder = migrationsCopy();
    const path = join(dir, 's.sqlite');
    writeFileSync(join(folder, '950-broken.sql'), 'CREATE TABLE half (x INTEGER); SELECT * FROM nowhere;');
    expect(() => openStore(path, { migrationsDir: folder })).toThrow(/Migration 950-broken.sql failed/);
    const db = new Database(path);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().at(-1)!.version);
    db.close();
  });

  it('rejects badly named and duplicate-numbered migration files', () => {
    const folder = migrationsCopy();
    writeFileSync(join(folder, '7-oops.sql'), 'SELECT 1;');
    expect(() => loadMigrations(folder)).toThrow(/not named NNN-topic.sql/);
    rmSync(join(folder, '7-oops.sql'));
    writeFileSync(join(folder, '001-again.sql'), 'SELECT 1;');
    expect(() => loadMigrations(folder)).toThrow(/share version 1/);
  });

  it('refuses a store from a newer Distill without modifying it', () => {
    const path = join(dir, 's.sqlite');
    openStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha256(readFileSync(path));
    const known = loadMigrations().at(-1)!.version;
    expect(() => openStore(path)).toThrow(
      `created by a newer Distill (schema 999 > ${known}); upgrade Distill`,
    );
    expect(sha256(readFileSync(path))).toBe(before);
  });

  it('refuses a store that applied a migration this code does not know', () => {
    const folder = migrationsCopy();
    writeFileSync(join(folder, '990-future.sql'), 'CREATE TABLE future (x INTEGER) STRICT;');
    const path = join(dir, 's.sqlite');
    openStore(path, { migrationsDir: folder }).close();
    // Code without 990 but with a higher-numbered file.
    rmSync(join(folder, '990-future.sql'));
    writeFileSync(join(folder, '995-later.sql'), 'SELECT 1;');
    expect(() => openStore(path, { migrationsDir: folder })).toThrow(
      /migration\(s\) 990 that this Distill does not know/,
    );
  });

  it('gives a clear error for a file that is not a store, and for a missing one when it must exist', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(
      path,
      'this is not sqlite at all, just text that is long enough to have a header'.repeat(20),
    );
    expect(() => openStore(path)).toThrow(/not a Distill store/);
    expect(() => openStore(join(dir, 'missing.sqlite'), { mustExist: true })).toThrow(/No store at/);
  });
});
