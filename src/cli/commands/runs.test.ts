import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCommand } from 'citty';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeSample } from '../../store/__fixtures__/make-sample.ts';
import { openStore } from '../../store/open-store.ts';
import { command } from './runs.ts';

const bin = fileURLToPath(new URL('../../../bin/distill.mjs', import.meta.url));
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'distill-runs-cli-'));
const path = join(dir, 'store.sqlite');

async function distill(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], {
      env: { ...process.env, DISTILL_STORE: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  using store = openStore(path);
  const run = store.createRun({ name: 'gen-1', kind: 'generate', config: { teacher: 'ollama:r1', k: 2 } });
  store.insertSamples(
    Array.from({ length: 6 }, (_, i) =>
      makeSample({
        runId: run.id,
        problemId: `p${i >> 1}`,
        sampleIdx: i & 1,
        usage: { input: 1, reasoning: 2, output: 3 },
      }),
    ),
  );
  store.recordFailure({
    runId: run.id,
    requestKey: 'k',
    kind: 'server',
    message: '500',
    attempt: 3,
    status: 'gave-up',
  });
  store.updateRun(run.id, { status: 'completed', summary: { requested: 8, costUsd: 0.01, wallMs: 65_000 } });
  store.createRun({ name: 'eval-1', kind: 'eval' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `distill runs …` in process and return what it printed on stdout. */
async function inProcess(...rawArgs: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await runCommand(command, { rawArgs });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('distill runs', () => {
  it('shows a run as JSON through the real CLI entry point', async () => {
    const shown = await distill('runs', 'show', 'gen-1', '--store', path, '--json');
    expect(shown.code).toBe(0);
    const report = JSON.parse(shown.stdout);
    expect(report).toMatchObject({
      kind: 'generate',
      teacher: 'ollama:r1',
      settings: { teacher: 'ollama:r1', k: 2 },
      counts: {
        requested: 8,
        completed: 6,
        duplicates: 0,
        unresolved: 1,
        failed: { server: { events: 1, gaveUp: 1 } },
      },
      tokens: { input: 6, reasoning: 12, output: 18, total: 36 },
      costUsd: 0.01,
      wallMs: 65_000,
    });
    const missing = await distill('runs', 'show', 'nope', '--store', path);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No run 'nope'/);
  });

  it('lists runs, prints a human report, and checks the store', async () => {
    const runs = JSON.parse(await inProcess('list', '--store', path, '--json')) as Array<{
      name: string;
      samples: number;
    }>;
    expect(runs.map((r) => [r.name, r.samples]).sort()).toEqual([
      ['eval-1', 0],
      ['gen-1', 6],
    ]);
    expect(await inProcess('list', '--store', path, '--kind', 'eval')).toMatch(
      /^NAME.*\neval-1\s+eval\s+pending\s+0/,
    );
    expect(await inProcess('show', 'gen-1', '--store', path)).toMatch(/wall time\s+1m05s/);
    expect(JSON.parse(await inProcess('check', '--store', path, '--json'))).toMatchObject({
      integrity: 'ok',
    });
    expect(await inProcess('list', '--store', join(dir, 'none.sqlite'))).toMatch(/No runs yet/);
  });
});
