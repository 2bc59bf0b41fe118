import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCommand } from 'citty';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command as runsCommand } from '../cli/commands/runs.ts';
import { startReplayServer } from '../teachers/testing/replay-server.ts';
import { goodReply, startFakeTeacher } from './testing/fake-teacher-server.ts';
import { spawnCli } from './testing/spawn-cli.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** No keys file, no key in the environment: what a new user has. */
const env = { DISTILL_KEYS_FILE: '/nonexistent', OPENAI_COMPATIBLE_API_KEY: '', DISTILL_STORE: '' };

function storeFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'distill-fail-')), 'store.sqlite');
}

async function distill(...args: string[]) {
  return spawnCli(args, env).done;
}

/** `distill runs …` in process (one child per test is slow enough on a loaded machine); returns stdout. */
async function runs(...rawArgs: string[]): Promise<string> {
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

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function generateArgs(url: string, store: string, ...extra: string[]): string[] {
  return [
    'generate',
    '--teacher',
    `openai-compatible:${url}/v1#fake-r1`,
    '--tasks',
    'add:3:train',
    '--out',
    'r',
    '--store',
    store,
    '--retries',
    '0',
    ...extra,
  ];
}

describe('distill generate: failures look like failures', () => {
  it('every request 401: incomplete, exit 4, the key env var named; a re-run after the fix completes with exit 0', async () => {
    let authorised = false;
    const server = await startReplayServer((req) => {
      if (!authorised)
        return {
          status: 401,
          body: '{"error":{"message":"Invalid API key","type":"invalid_request_error"}}',
        };
      return goodReply(req);
    });
    cleanup.push(() => server.close());
    const store = storeFile();

    const failed = await distill(...generateArgs(server.url, store, '--json'));
    expect(failed.code, failed.stderr).toBe(4);
    const result = lastJson(failed.stdout);
    expect(result).toMatchObject({ status: 'incomplete', completed: 0, failed: 3 });
    const auth = (result.failures as Record<string, { requests: number; httpStatus: number; hint: string }>)
      .auth;
    expect(auth).toMatchObject({ requests: 3, httpStatus: 401 });
    expect(auth?.hint).toContain('OPENAI_COMPATIBLE_API_KEY');

    expect(JSON.parse(await runs('list', '--store', store, '--json'))).toMatchObject([
      { name: 'r', status: 'incomplete' },
    ]);
    expect(JSON.parse(await runs('show', 'r', '--store', store, '--json'))).toMatchObject({
      status: 'incomplete',
      summary: { failures: { auth: { requests: 3 } } },
    });
    expect(await runs('show', 'r', '--store', store)).toMatch(
      /hint\s+auth \(3\): .*OPENAI_COMPATIBLE_API_KEY/,
    );

    authorised = true;
    const fixed = await distill(...generateArgs(server.url, store, '--json'));
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(lastJson(fixed.stdout)).toMatchObject({ status: 'completed', done: 3, failures: {} });
    expect(JSON.parse(await runs('list', '--store', store, '--json'))).toMatchObject([
      { name: 'r', status: 'completed' },
    ]);
  }, 60_000);

  it('nothing listening: incomplete, exit 4, failures by kind and "is the server running at" the address', async () => {
    const port = await deadPort();
    const run = await distill(...generateArgs(`http://127.0.0.1:${port}`, storeFile()));
    expect(run.code, run.stderr).toBe(4);
    expect(run.stdout).toMatch(/^r: incomplete — 0\/3 samples \(0 new, 0 already done, 3 failed\)/);
    expect(run.stdout).toMatch(/failed requests by kind:\n\s+network: 3 — Network error: .*ECONNREFUSED/);
    expect(run.stdout).toContain(`hint: is the server running at 127.0.0.1:${port}?`);
  }, 30_000);

  it('eval against a teacher that answers 401: fails (exit ≠ 0) and records no report', async () => {
    const server = await startReplayServer(() => ({
      status: 401,
      body: '{"error":{"message":"Invalid API key"}}',
    }));
    cleanup.push(() => server.close());
    const store = storeFile();
    const report = join(store, '..', 'report.json');
    const run = await distill(
      'eval',
      '--model',
      `openai-compatible:${server.url}/v1#fake-r1`,
      '--tasks',
      'add:2:eval',
      '--store',
      store,
      '--out',
      report,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Not authorised \(401\)/);
    expect(existsSync(report)).toBe(false);
    const db = new Database(store, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM eval_reports').pluck().get()).toBe(0);
    db.close();
  }, 30_000);

  it('a timeout shorter than every reply: incomplete, exit 4, the hint says to raise --timeout', async () => {
    const server = await startFakeTeacher({ faultRate: 1, faults: ['timeout'] });
    cleanup.push(() => server.close());
    const run = await distill(...generateArgs(server.url, storeFile(), '--json', '--timeout', '0.2'));
    expect(run.code, run.stderr).toBe(4);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ status: 'incomplete', failed: 3 });
    expect((result.failures as Record<string, { hint: string }>).timeout?.hint).toMatch(
      /--timeout 0\.2 s: raise it/,
    );
  }, 30_000);
});
