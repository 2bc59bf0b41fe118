import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureVenv } from './venv.ts';

const TRAINER = fileURLToPath(new URL('../../trainer', import.meta.url));

/** The Python worker's own unit tests (trainer/tests: packing, presets, GGUF round trips, resume), run by pytest. */
describe('trainer/tests (pytest)', () => {
  it('pass in the cached trainer venv', { timeout: 600_000 }, async () => {
    const venv = await ensureVenv();
    const run = spawnSync(venv.python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], {
      cwd: TRAINER,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/\d+ passed/);
  });
});
