import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { SetupError } from '../core/errors/setup-error.ts';
import { sha256 } from '../core/hash.ts';
import { requirementsPath } from './paths.ts';

export interface VenvOptions {
  /** Folder holding the cached venvs. Defaults to `$DISTILL_VENV_DIR`, else `~/.cache/distill/venvs`. */
  root?: string;
  /** Pinned requirements file. Defaults to `trainer/requirements.txt`. */
  requirements?: string;
  /** Python used to create the venv. Defaults to `$DISTILL_PYTHON`, else `python3`. */
  python?: string;
  /**
   * What the venv is for, used in progress and error messages. Defaults to `trainer` (the PyTorch worker);
   * other users pass their own requirements file and name (e.g. `Math-Verify`).
   */
  name?: string;
  /** The command that (re)builds this venv, named in error hints. Defaults to `distill setup trainer`. */
  setupCommand?: string;
  /** Called with human-readable progress messages while building. Defaults to no-op. */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface Venv {
  /** The venv folder, `<root>/<key>`. */
  dir: string;
  /** `<dir>/bin/python`: always run the worker as `<python> -m distill_trainer …`. */
  python: string;
  /** First 16 hex chars of sha256(requirements file). */
  key: string;
  /** True when this call built it. */
  created: boolean;
}

/** Where venvs are cached. */
export function venvRoot(root?: string): string {
  return root ?? process.env.DISTILL_VENV_DIR ?? join(homedir(), '.cache', 'distill', 'venvs');
}

/** The cache key and location of the venv for a requirements file, without creating anything. */
export async function locateVenv(options: VenvOptions = {}): Promise<Omit<Venv, 'created'>> {
  const reqPath = options.requirements ?? requirementsPath();
  const text = await readFile(reqPath, 'utf8').catch((cause: unknown) => {
    throw new SetupError(`cannot read ${reqPath}`, { cause, hint: 'run distill from a complete checkout' });
  });
  const key = sha256(text).slice(0, 16);
  const dir = join(venvRoot(options.root), key);
  return { dir, python: join(dir, 'bin', 'python'), key };
}

function run(
  cmd: string,
  args: string[],
  signal: AbortSignal | undefined,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(new AbortedError('venv set-up interrupted'));
      else if (err.code === 'ENOENT') resolve({ code: 127, tail: `${cmd}: not found` });
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

/**
 * A cached Python virtual environment for a pinned requirements file (by default the trainer's,
 * `trainer/requirements.txt`), created on first use and keyed by the file's hash.
 * It is built in `<dir>.partial-<pid>` and renamed into place, so a half-built venv is never used.
 * An existing venv makes this a no-op. Never reinstalls torch.
 */
export async function ensureVenv(options: VenvOptions = {}): Promise<Venv> {
  const loc = await locateVenv(options);
  if (existsSync(loc.python)) return { ...loc, created: false };
  const say = options.onProgress ?? (() => {});
  const python = options.python ?? process.env.DISTILL_PYTHON ?? 'python3';
  const reqPath = options.requirements ?? requirementsPath();
  const partial = `${loc.dir}.partial-${process.pid}`;
  const name = options.name ?? 'trainer';
  const setupCommand = options.setupCommand ?? 'distill setup trainer';
  await mkdir(venvRoot(options.root), { recursive: true });
  await rm(partial, { recursive: true, force: true });
  say(
    name === 'trainer'
      ? `Creating the trainer's Python environment in ${loc.dir} (one time; torch is a large download)…`
      : `Creating the ${name} Python environment in ${loc.dir} (one time)…`,
  );
  try {
    const made = await run(python, ['-m', 'venv', partial], options.signal);
    if (made.code !== 0)
      throw new SetupError(
        `could not create a Python venv with '${python}': ${made.tail.trim().split('\n').pop()}`,
        {
          hint: 'install Python 3.10+ with venv support (Debian/Ubuntu: apt-get install python3 python3-venv), or set DISTILL_PYTHON',
        },
      );
    say(
      name === 'trainer'
        ? 'Installing trainer requirements (torch, numpy, gguf)…'
        : `Installing ${name} requirements from ${reqPath}…`,
    );
    const pip = await run(
      join(partial, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', reqPath],
      options.signal,
    );
    if (pip.code !== 0)
      throw new SetupError(
        `pip install of ${reqPath} failed: ${pip.tail.trim().split('\n').slice(-3).join(' | ')}`,
        {
          hint: `check network access to PyPI, then run: ${setupCommand} (or ${join(partial, 'bin', 'python')} -m pip install -r ${reqPath})`,
        },
      );
    await rename(partial, loc.dir).catch(async (cause: unknown) => {
      // Another process won the race: use its venv.
      if (!existsSync(loc.python)) throw new SetupError(`could not move the venv into ${loc.dir}`, { cause });
    });
    say(name === 'trainer' ? 'Trainer environment ready.' : `${name} environment ready.`);
    return { ...loc, created: true };
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}
