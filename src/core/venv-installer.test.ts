import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupError } from './errors/setup-error.ts';
import { PipProgress } from './pip-progress.ts';
import { ensurePythonVenv } from './python-venv.ts';
import { runCommand } from './run-command.ts';
import { chosenInstaller, UV_VERSION, uvArgsFromPipEnv } from './venv-installer.ts';

describe('venv installer choice', () => {
  it('is uv unless DISTILL_INSTALLER says pip; anything else is a SetupError naming the two values', () => {
    expect(chosenInstaller({})).toBe('uv');
    expect(chosenInstaller({ DISTILL_INSTALLER: 'pip' })).toBe('pip');
    expect(chosenInstaller({ DISTILL_INSTALLER: ' uv ' })).toBe('uv');
    const err = (() => {
      try {
        chosenInstaller({ DISTILL_INSTALLER: 'conda' });
      } catch (e) {
        return e;
      }
    })();
    expect(SetupError.isInstance(err)).toBe(true);
    expect((err as SetupError).message).toMatch(/uv or pip, got 'conda'/);
  });

  it("carries pip's index, extra indexes, find-links, CA file and no-cache setting over to uv", () => {
    const { args, env } = uvArgsFromPipEnv({
      PIP_INDEX_URL: 'https://mirror.example/simple',
      PIP_EXTRA_INDEX_URL: 'https://a.example/simple https://b.example/simple',
      PIP_FIND_LINKS: '/opt/wheels',
      PIP_CERT: '/etc/ca.pem',
      PIP_NO_CACHE_DIR: '1',
    });
    expect(args).toEqual([
      '--index-url',
      'https://mirror.example/simple',
      '--extra-index-url',
      'https://a.example/simple',
      '--extra-index-url',
      'https://b.example/simple',
      '--find-links',
      '/opt/wheels',
      '--no-cache',
    ]);
    expect(env.SSL_CERT_FILE).toBe('/etc/ca.pem');
    // uv's own settings win; a falsy no-cache is not a request for no cache.
    const own = uvArgsFromPipEnv({
      PIP_INDEX_URL: 'https://mirror.example/simple',
      UV_DEFAULT_INDEX: 'https://uv.example/simple',
      PIP_NO_CACHE_DIR: 'false',
      PIP_CERT: '/etc/ca.pem',
      SSL_CERT_FILE: '/etc/own.pem',
    });
    expect(own.args).toEqual([]);
    expect(own.env.SSL_CERT_FILE).toBe('/etc/own.pem');
  });

  it("follows uv's parallel downloads: one line when they start, then bytes done of the total, then installing", () => {
    const said: string[] = [];
    const p = new PipProgress((m) => said.push(m), 0);
    for (const line of [
      'Using Python 3.11.7 environment at: /x/venv',
      'Resolved 44 packages in 1.03s',
      'Downloading torch (514.2MiB)',
      'Downloading numpy (16.1MiB)',
      'Downloading nvidia-cudnn-cu13 (1.0GiB)',
      ' Downloaded numpy',
      ' Downloaded torch',
    ])
      p.line(line);
    expect(said).toEqual(['  downloading in parallel…']);
    expect(p.status(20_000)).toBe('  … 20s: 556 MB of 1.6 GB downloaded, 1 files still coming');
    p.line(' Downloaded nvidia-cudnn-cu13');
    p.line('Prepared 44 packages in 32.90s');
    expect(said.at(-1)).toBe('  downloaded 3 files (1.6 GB); installing…');
    expect(p.status(40_000)).toBe('  … 40s: 1.6 GB downloaded, installing');
    // Everything in uv's cache: nothing announced, no "downloaded 0 files".
    const cached: string[] = [];
    const q = new PipProgress((m) => cached.push(m), 0);
    for (const line of [
      'Resolved 5 packages in 10ms',
      'Prepared 5 packages in 20ms',
      'Installed 5 packages in 9ms',
    ])
      q.line(line);
    expect(cached).toEqual(['  installing…']);
  });
});

// Builds real venvs from PyPI (a tiny pure-Python wheel, plus uv itself): network, ~10–20 s each.
describe.runIf(process.env.DISTILL_SLOW === '1')('a venv built for real, with uv and with pip', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-installer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const installer of ['uv', 'pip'] as const) {
    it(`installs the pinned requirements with ${installer} and says so`, async () => {
      const req = join(dir, `req-${installer}.txt`);
      await writeFile(req, `iniconfig==2.3.1\n# ${installer}\n`);
      const root = join(dir, 'root');
      const said: string[] = [];
      const previous = process.env.DISTILL_INSTALLER;
      process.env.DISTILL_INSTALLER = installer;
      try {
        const venv = await ensurePythonVenv(
          req,
          { label: 'a test venv', packages: 'iniconfig' },
          { root, onProgress: (m) => said.push(m) },
        );
        expect(venv.created).toBe(true);
        expect(said.at(-1)).toMatch(
          new RegExp(`^Ready: a test venv \\(.*, installed with ${installer}\\)\\.$`),
        );
        const probe = await runCommand(venv.python, ['-c', 'import iniconfig, sys; print(sys.prefix)']);
        expect(probe.code).toBe(0);
        expect(probe.tail.trim()).toBe(venv.dir);
        expect(existsSync(join(venv.dir, 'bin', 'uv'))).toBe(installer === 'uv');
        if (installer === 'uv') {
          const version = await runCommand(join(venv.dir, 'bin', 'uv'), ['--version']);
          expect(version.tail).toContain(UV_VERSION);
        }
        // Nothing half-built is left beside it.
        expect((await readdir(root)).filter((f) => f.includes('.partial-'))).toEqual([]);
      } finally {
        if (previous === undefined) delete process.env.DISTILL_INSTALLER;
        else process.env.DISTILL_INSTALLER = previous;
      }
    });
  }

  it('a requirement that does not exist fails with the installer named and the command to retry by hand', async () => {
    const req = join(dir, 'req-bad.txt');
    await writeFile(req, 'iniconfig==0.0.0.404\n');
    const root = join(dir, 'root-bad');
    const err = await ensurePythonVenv(req, { label: 'a test venv', packages: 'iniconfig' }, { root }).catch(
      (e: unknown) => e,
    );
    expect(SetupError.isInstance(err)).toBe(true);
    expect((err as SetupError).message).toMatch(/^uv install of .*req-bad\.txt failed: /);
    expect((err as SetupError).hint).toMatch(
      /bin\/uv pip install --python .* -r .*req-bad\.txt.*DISTILL_INSTALLER=pip/,
    );
    expect(await readdir(root)).toEqual([]);
  });
});
