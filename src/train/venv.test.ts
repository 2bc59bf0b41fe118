import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupError } from '../core/errors/setup-error.ts';
import { sha256 } from '../core/hash.ts';
import { ensureVenv, locateVenv } from './venv.ts';

describe('trainer venv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-venv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is keyed by the hash of the requirements file', async () => {
    const req = join(dir, 'req.txt');
    await writeFile(req, 'numpy==2.4.6\n');
    const loc = await locateVenv({ root: join(dir, 'root'), requirements: req });
    expect(loc.key).toBe(sha256('numpy==2.4.6\n').slice(0, 16));
    expect(loc.python).toBe(join(dir, 'root', loc.key, 'bin', 'python'));
  });

  it('reuses an existing venv without building anything', async () => {
    const venv = await ensureVenv();
    expect(venv.created).toBe(false);
    expect(existsSync(venv.python)).toBe(true);
  });

  it('a missing Python is a SetupError that says what to install, and leaves no half-built venv', async () => {
    const req = join(dir, 'req2.txt');
    await writeFile(req, 'gguf==0.19.0\n');
    const root = join(dir, 'root2');
    const err = await ensureVenv({ root, requirements: req, python: join(dir, 'no-such-python') }).catch(
      (e: unknown) => e,
    );
    expect(SetupError.isInstance(err)).toBe(true);
    expect((err as SetupError).hint).toMatch(/python3-venv|DISTILL_PYTHON/);
    expect(await readdir(root)).toEqual([]);
  });
});
