import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCommand } from 'citty';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { command as runsCommand } from '../cli/commands/runs.ts';
import { sha256 } from '../core/hash.ts';
import { DISTILL_BIN, spawnCli } from '../generate/testing/spawn-cli.ts';
import { openStore } from './open-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-foreign-'));
const cleanupModes: string[] = [];
afterAll(() => {
  for (const p of cleanupModes) chmodSync(p, 0o755);
});

/** Another application's database: a `users` table, optionally in WAL mode. */
function foreignDb(name: string, wal = false): string {
  const path = join(dir, name);
  const db = new Database(path);
  if (wal) db.pragma('journal_mode = WAL');
  db.exec(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users (email) VALUES ('a@b.c')",
  );
  db.close();
  return path;
}

/** Bytes and mtime: what must not change when Distill only reads, or refuses. */
function fingerprint(path: string): { sha: string; mtimeMs: number } {
  return { sha: sha256(readFileSync(path)), mtimeMs: statSync(path).mtimeMs };
}

/** A Distill store with one run, closed (checkpointed), then made read-only. */
function readOnlyStore(folder: string): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'distill.sqlite');
  const store = openStore(path);
  store.createRun({ name: 'kept', kind: 'generate' });
  store.close();
  chmodSync(path, 0o444);
  return path;
}

async function runsInProcess(...rawArgs: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await runCommand(runsCommand, { rawArgs });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('foreign SQLite files are never touched', () => {
  it('openStore refuses a foreign file for writing and for reading (exit 2), leaving it byte-identical', () => {
    for (const wal of [false, true]) {
      const path = foreignDb(`app-${wal ? 'wal' : 'delete'}.sqlite`, wal);
      const before = fingerprint(path);
      for (const options of [{}, { readonly: true }]) {
        let error: unknown;
        try {
          openStore(path, options).close();
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({
          exitCode: 2,
          message: expect.stringMatching(/another application's SQLite database \(tables: users\)/),
        });
      }
      expect(fingerprint(path)).toEqual(before);
      const db = new Database(path, { readonly: true });
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([
        'users',
      ]);
      db.close();
    }
  });

  it('`runs list` and `generate --store` on a foreign file: exit 2, clear error, file unchanged', async () => {
    const path = foreignDb('other-app.db');
    const before = fingerprint(path);
    const list = await spawnCli(['runs', 'list', '--store', path]).done;
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/is another application's SQLite database .*not a Distill store/);
    const generate = await spawnCli([
      'generate',
      '--teacher',
      'openai-compatible:http://127.0.0.1:9/v1#m',
      '--tasks',
      'add:1:train',
      '--out',
      'x',
      '--store',
      path,
    ]).done;
    expect(generate.code).toBe(2);
    expect(generate.stderr).toMatch(/not a Distill store; it was left untouched/);
    expect(fingerprint(path)).toEqual(before);
  }, 60_000);

  it('read commands open a chmod 444 store read-only: listed, shown and checked, bytes and mtime unchanged', async () => {
    const path = readOnlyStore(join(dir, 'ro-file'));
    const before = fingerprint(path);
    expect(JSON.parse(await runsInProcess('list', '--store', path, '--json'))).toMatchObject([
      { name: 'kept' },
    ]);
    expect(JSON.parse(await runsInProcess('show', 'kept', '--store', path, '--json'))).toMatchObject({
      name: 'kept',
    });
    expect(JSON.parse(await runsInProcess('check', '--store', path, '--json'))).toMatchObject({
      integrity: 'ok',
    });
    expect(fingerprint(path)).toEqual(before);
    // A write through a read-only open is refused by SQLite itself, even for root.
    const store = openStore(path, { readonly: true });
    expect(() => store.createRun({ name: 'new', kind: 'generate' })).toThrow(/readonly/);
    store.close();
  });

  it('read commands (and generate --dry-run) never create a store: a missing path stays missing', async () => {
    const folder = join(dir, 'never-made');
    const path = join(folder, 'distill.sqlite');
    expect(await runsInProcess('list', '--store', path)).toMatch(/No runs yet/);
    await expect(runsInProcess('show', 'x', '--store', path)).rejects.toMatchObject({ exitCode: 2 });
    await expect(runsInProcess('check', '--store', path)).rejects.toThrow(/No store at/);
    const dryRun = await spawnCli(
      [
        'generate',
        '--teacher',
        'openai-compatible:http://127.0.0.1:9/v1#m',
        '--tasks',
        'add:2:train',
        '--out',
        'x',
        '--store',
        path,
        '--dry-run',
      ],
      { DISTILL_KEYS_FILE: '/nonexistent' },
    ).done;
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/dry run: 2 requests/);
    expect(existsSync(folder)).toBe(false);
  }, 60_000);

  it('a store in a folder the user cannot write (WAL index not creatable) can still be listed', () => {
    const folder = join(dir, 'ro-dir');
    readOnlyStore(folder);
    chmodSync(folder, 0o555);
    cleanupModes.push(folder);
    // root ignores permissions: run the reader as `nobody` when we are root.
    const asRoot = process.getuid?.() === 0;
    if (asRoot && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status !== 0) return;
    if (asRoot) chmodSync(dir, 0o755); // mkdtemp makes it 0700: let `nobody` in
    if (asRoot && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', DISTILL_BIN]).status !== 0) {
      // A checkout inside a private folder (e.g. mktemp -d, 0700) cannot be run by another user.
      console.warn(`skipped: user nobody cannot read ${DISTILL_BIN}; run from a checkout others can read`);
      return;
    }
    const command = asRoot ? 'runuser' : process.execPath;
    const args = [DISTILL_BIN, 'runs', 'list', '--store', join(folder, 'distill.sqlite'), '--json'];
    const result = spawnSync(command, asRoot ? ['-u', 'nobody', '--', process.execPath, ...args] : args, {
      encoding: 'utf8',
      env: { ...process.env, DISTILL_STORE: '' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ name: 'kept', status: 'pending' }]);
    expect(readdirSync(folder)).toEqual(['distill.sqlite']);
  }, 60_000);
});
