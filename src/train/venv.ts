import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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
  onLine?: (line: string) => void,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    if (onLine)
      createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(new AbortedError('venv set-up interrupted'));
      else if (err.code === 'ENOENT') resolve({ code: 127, tail: `${cmd}: not found` });
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

/**
 * Why the first set-up is long, said before it starts. Measured for torch 2.15.0 / CPython 3.11 / x86_64 (wheel sizes
 * from PyPI): torch 539 MB, the NVIDIA CUDA libraries it depends on 2,157 MB (cuDNN 519, cuBLAS 404, cuSOLVER 227,
 * cuFFT 218, NCCL 215, …), triton 285 MB; 5.6 GB installed. PyPI's Linux torch wheel links those libraries and does
 * not import without them, even on a machine without a GPU (tried: `pip install --no-deps torch` plus its pure-Python
 * dependencies fails with "libcublasLt.so.*[0-9] not found"); PyPI has no CPU-only torch (download.pytorch.org does).
 */
export const TORCH_DOWNLOAD_NOTE =
  'torch from PyPI brings the NVIDIA CUDA libraries even without a GPU (PyPI has no CPU-only torch): about 3 GB to download (torch 540 MB, CUDA libraries 2.2 GB, triton 290 MB), 5.6 GB installed; about 4 minutes on a fast link';

/** Progress of a pip install, from its `Downloading NAME (SIZE)` lines (pip announces each wheel as it starts it). */
export class PipProgress {
  private readonly started: number;
  private downloadedMb = 0;
  private current: { name: string; mb: number } | undefined;
  private files = 0;
  private installing = false;
  constructor(
    private readonly say: (message: string) => void,
    now = Date.now(),
  ) {
    this.started = now;
  }

  /** Feed one line of pip's stdout; shows what is being fetched, with its size. */
  line(text: string): void {
    const line = text.trim();
    const dl = /^Downloading (\S+) \(([\d.]+) (kB|MB|GB)\)/.exec(line);
    if (dl) {
      if (this.current) this.downloadedMb += this.current.mb;
      const mb = Number(dl[2]) * (dl[3] === 'kB' ? 1 / 1000 : dl[3] === 'GB' ? 1000 : 1);
      this.current = { name: (dl[1]?.split('/').pop() ?? '').replace(/-\d.*$/, ''), mb };
      this.files += 1;
      if (mb >= 10) this.say(`  downloading ${this.current.name} (${formatMb(mb)})`);
      return;
    }
    if (line.startsWith('Installing collected packages')) {
      if (this.current) this.downloadedMb += this.current.mb;
      this.current = undefined;
      this.installing = true;
      this.say(`  downloaded ${this.files} files (${formatMb(this.downloadedMb)}); installing…`);
    }
  }

  /** Time since the install started, e.g. `3m05s`. */
  elapsed(now = Date.now()): string {
    const s = Math.round((now - this.started) / 1000);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
  }

  /** A status line for the periodic heartbeat. */
  status(now = Date.now()): string {
    const elapsed = this.elapsed(now);
    const what = this.installing
      ? ', installing'
      : this.current
        ? `, fetching ${this.current.name} (${formatMb(this.current.mb)})`
        : '';
    return `  … ${elapsed}: ${formatMb(this.downloadedMb)} downloaded${what}`;
  }
}

function formatMb(mb: number): string {
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

/**
 * The trainer's virtual environment, created on first use and cached by the hash of `trainer/requirements.txt`.
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
  await mkdir(venvRoot(options.root), { recursive: true });
  await rm(partial, { recursive: true, force: true });
  const reqText = await readFile(reqPath, 'utf8');
  say(`Creating the trainer's Python environment in ${loc.dir} (one time).`);
  if (/^\s*torch\b/m.test(reqText)) say(`  ${TORCH_DOWNLOAD_NOTE}`);
  const progress = new PipProgress(say);
  const heartbeat = setInterval(() => say(progress.status()), 30_000);
  heartbeat.unref();
  try {
    const made = await run(python, ['-m', 'venv', partial], options.signal);
    if (made.code !== 0)
      throw new SetupError(
        `could not create a Python venv with '${python}': ${made.tail.trim().split('\n').pop()}`,
        {
          hint: 'install Python 3.10+ with venv support (Debian/Ubuntu: apt-get install python3 python3-venv), or set DISTILL_PYTHON',
        },
      );
    say('Installing trainer requirements (torch, numpy, gguf)…');
    const pip = await run(
      join(partial, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', reqPath],
      options.signal,
      (line) => progress.line(line),
    );
    if (pip.code !== 0)
      throw new SetupError(
        `pip install of ${reqPath} failed: ${pip.tail.trim().split('\n').slice(-3).join(' | ')}`,
        {
          hint: `check network access to PyPI, then run: distill setup trainer (or ${join(partial, 'bin', 'python')} -m pip install -r ${reqPath})`,
        },
      );
    await rename(partial, loc.dir).catch(async (cause: unknown) => {
      // Another process won the race: use its venv.
      if (!existsSync(loc.python)) throw new SetupError(`could not move the venv into ${loc.dir}`, { cause });
    });
    say(`Trainer environment ready (${progress.elapsed()}).`);
    return { ...loc, created: true };
  } finally {
    clearInterval(heartbeat);
    await rm(partial, { recursive: true, force: true });
  }
}
