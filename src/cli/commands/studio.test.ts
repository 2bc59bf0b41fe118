import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnStudio } from '../../../test/serve/spawn-studio.ts';
import { storeWithCodeRun } from '../../server/testing/code-run.ts';

const bin = fileURLToPath(new URL('../../../bin/distill.mjs', import.meta.url));
const exec = promisify(execFile);
const fixture = storeWithCodeRun();
fixture.store.close();
// A folder with no models/: the Studio starts without a model.
const cwd = mkdtempSync(join(tmpdir(), 'distill-studio-cwd-'));
afterAll(() => {
  fixture.dispose();
  rmSync(cwd, { recursive: true, force: true });
});

async function distill(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await exec(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, DISTILL_STORE: '' },
    });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('distill studio', () => {
  it('serves the Studio over --store without a model and prints its URL', async () => {
    const studio = await spawnStudio(['--store', fixture.store.path, '--quiet'], { cwd });
    try {
      expect(studio.info.models).toEqual([]);
      expect(studio.info.store).toBe(fixture.store.path);
      expect(studio.info.studio).toBe(`${studio.info.url}/#runs`);
      const runs = (await (await fetch(`${studio.info.url}/api/runs`)).json()) as {
        data: Array<{ name: string }>;
      };
      expect(runs.data.map((r) => r.name)).toEqual(['gen-code']);
      const page = await fetch(`${studio.info.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
    } finally {
      expect(await studio.stop()).toBe(0);
    }
  }, 120_000);

  it('rejects unknown options and a missing store (exit 2)', async () => {
    const [unknown, missing, noDefault] = await Promise.all([
      distill('studio', '--store', fixture.store.path, '--bogus'),
      distill('studio', '--store', join(cwd, 'none.sqlite')),
      distill('studio'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option --bogus');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No store at');
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toMatch(/No store at .*\.distill/);
  });
});
