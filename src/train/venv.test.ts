import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupError } from '../core/errors/setup-error.ts';
import { sha256 } from '../core/hash.ts';
import { ensureVenv, locateVenv, PipProgress, TORCH_DOWNLOAD_NOTE } from './venv.ts';

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

describe('trainer venv set-up progress', () => {
  it('shows each large download with its size, a running total and the install step', () => {
    const said: string[] = [];
    const p = new PipProgress((m) => said.push(m), 0);
    for (const line of [
      'Collecting torch==2.15.0 (from -r trainer/requirements.txt (line 3))',
      '  Downloading torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl (539.1 MB)',
      'Collecting numpy==2.4.6',
      '  Downloading numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl (16.8 MB)',
      '  Downloading https://files.example/packages/ab/nvidia_cudnn_cu13-9.26.0.51-py3-none-manylinux_2_27_x86_64.whl (1.1 GB)',
      '  Downloading filelock-4.3.1-py3-none-any.whl (21 kB)',
    ])
      p.line(line);
    expect(said).toEqual([
      '  downloading torch (539 MB)',
      '  downloading numpy (17 MB)',
      '  downloading nvidia_cudnn_cu13 (1.1 GB)',
    ]);
    expect(p.status(125_000)).toBe('  … 2m05s: 1.7 GB downloaded, fetching filelock (0 MB)');
    p.line('Installing collected packages: filelock, numpy, torch');
    expect(said.at(-1)).toBe('  downloaded 4 files (1.7 GB); installing…');
    expect(p.status(200_000)).toBe('  … 3m20s: 1.7 GB downloaded, installing');
  });

  it('says up front what torch downloads and why, before anything runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'distill-venv-note-'));
    try {
      const req = join(dir, 'requirements.txt');
      await writeFile(req, 'torch==2.15.0\n');
      const said: string[] = [];
      const err = await ensureVenv({
        root: join(dir, 'root'),
        requirements: req,
        python: join(dir, 'no-such-python'),
        onProgress: (m) => said.push(m),
      }).catch((e: unknown) => e);
      expect(SetupError.isInstance(err)).toBe(true);
      expect(said[0]).toMatch(/^Creating the trainer's Python environment in .* \(one time\)\.$/);
      expect(said[1]).toBe(`  ${TORCH_DOWNLOAD_NOTE}`);
      expect(TORCH_DOWNLOAD_NOTE).toMatch(/about 3 GB to download .*, 5\.5 GB installed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
