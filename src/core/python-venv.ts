import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from './errors/setup-error.ts';
import { sha256 } from './hash.ts';
import { PipProgress } from './pip-progress.ts';
import { runCommand } from './run-command.ts';
import { chosenInstaller, installRequirements } from './venv-installer.ts';

export interface PythonVenvOptions {
  /** Folder holding the cached venvs. Defaults to `$DISTILL_VENV_DIR`, else `~/.cache/distill/venvs`. */
  root?: string;
  /** Python used to create the venv. Defaults to `$DISTILL_PYTHON`, else `python3`. */
  python?: string;
  /** Called with human-readable progress messages while building. Defaults to no-op. */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** What a venv is for, in words: shown in progress messages and error hints. */
export interface PythonVenvPurpose {
  /** e.g. "the trainer's Python environment". */
  label: string;
  /** e.g. "torch, numpy, gguf": named while pip installs. */
  packages: string;
  /** A note said right after the first progress message, e.g. why the download is large. */
  note?: string;
  /** The command that (re)builds it, e.g. "distill setup trainer". */
  setupCommand?: string;
}

export interface PythonVenv {
  /** The venv folder, `<root>/<key>`. */
  dir: string;
  /** `<dir>/bin/python`. */
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

/** The cache key and location of the venv for a pinned requirements file, without creating anything. */
export async function locatePythonVenv(
  requirements: string,
  options: Pick<PythonVenvOptions, 'root'> = {},
): Promise<Omit<PythonVenv, 'created'>> {
  const text = await readFile(requirements, 'utf8').catch((cause: unknown) => {
    throw new SetupError(`cannot read ${requirements}`, {
      cause,
      hint: 'run distill from a complete checkout',
    });
  });
  const key = sha256(text).slice(0, 16);
  const dir = join(venvRoot(options.root), key);
  return { dir, python: join(dir, 'bin', 'python'), key };
}

/**
 * A Python virtual environment for a pinned requirements file, created on first use and cached by the file's
 * hash. It is built in `<dir>.partial-<pid>` and renamed into place, so a half-built venv is never used.
 * An existing venv makes this a no-op.
 */
export async function ensurePythonVenv(
  requirements: string,
  purpose: PythonVenvPurpose,
  options: PythonVenvOptions = {},
): Promise<PythonVenv> {
  const loc = await locatePythonVenv(requirements, options);
  if (existsSync(loc.python)) return { ...loc, created: false };
  const say = options.onProgress ?? (() => {});
  chosenInstaller(); // a bad DISTILL_INSTALLER fails before anything is built
  const python = options.python ?? process.env.DISTILL_PYTHON ?? 'python3';
  const partial = `${loc.dir}.partial-${process.pid}`;
  await mkdir(venvRoot(options.root), { recursive: true });
  await rm(partial, { recursive: true, force: true });
  say(`Creating ${purpose.label} in ${loc.dir} (one time).`);
  if (purpose.note) say(`  ${purpose.note}`);
  const progress = new PipProgress(say);
  const heartbeat = setInterval(() => say(progress.status()), 30_000);
  heartbeat.unref();
  try {
    const made = await runCommand(python, ['-m', 'venv', partial], { signal: options.signal });
    if (made.code !== 0)
      throw new SetupError(
        `could not create a Python venv with '${python}': ${made.tail.trim().split('\n').pop()}`,
        {
          hint: 'install Python 3.10+ with venv support (Debian/Ubuntu: apt-get install python3 python3-venv), or set DISTILL_PYTHON',
        },
      );
    say(`Installing ${purpose.packages}…`);
    const installed = await installRequirements(partial, requirements, {
      signal: options.signal,
      progress,
      say,
    });
    if (installed.code !== 0) {
      throw new SetupError(
        `${installed.installer} install of ${requirements} failed: ${installed.tail.trim().split('\n').slice(-3).join(' | ')}`,
        {
          hint: `check network access to PyPI, then run: ${purpose.setupCommand ? `${purpose.setupCommand} (or ${installed.manual})` : installed.manual}${installed.installer === 'uv' ? '; DISTILL_INSTALLER=pip installs with pip instead of uv' : ''}`,
        },
      );
    }
    await rename(partial, loc.dir).catch(async (cause: unknown) => {
      // Another process won the race: use its venv.
      if (!existsSync(loc.python)) throw new SetupError(`could not move the venv into ${loc.dir}`, { cause });
    });
    say(`Ready: ${purpose.label} (${progress.elapsed()}, installed with ${installed.installer}).`);
    return { ...loc, created: true };
  } finally {
    clearInterval(heartbeat);
    await rm(partial, { recursive: true, force: true });
  }
}
