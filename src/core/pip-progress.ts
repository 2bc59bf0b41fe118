/** Progress of a pip install, and why the trainer's first install is long. */

/**
 * Why the first set-up is long, said before it starts. Measured for torch 2.15.0 / CPython 3.11 / x86_64 (wheel sizes
 * from PyPI): torch 539 MB, the NVIDIA CUDA libraries it depends on 2,157 MB (cuDNN 519, cuBLAS 404, cuSOLVER 227,
 * cuFFT 218, NCCL 215, …), triton 285 MB; 5.5 GB installed; 45 s with uv here, 2m18s with pip. PyPI's Linux torch
 * wheel links those libraries and does not import without them, even on a machine without a GPU (tried: `pip install --no-deps torch` plus its pure-Python
 * dependencies fails with "libcublasLt.so.*[0-9] not found"); PyPI has no CPU-only torch (download.pytorch.org does).
 */
export const TORCH_DOWNLOAD_NOTE =
  'torch from PyPI brings the NVIDIA CUDA libraries even without a GPU (PyPI has no CPU-only torch): about 3 GB to download (torch 540 MB, CUDA libraries 2.2 GB, triton 290 MB), 5.5 GB installed; about a minute on a fast link';

/**
 * Progress of a pip or uv install, from the lines they print. pip announces each wheel as it starts it
 * (`Downloading NAME-VER….whl (SIZE MB)`); uv announces its large downloads together (`Downloading NAME (SIZE MiB)`),
 * fetches them in parallel and says ` Downloaded NAME` as each ends, then `Prepared N packages`.
 */
export class PipProgress {
  private readonly started: number;
  private downloadedMb = 0;
  private current: { name: string; mb: number } | undefined;
  /** uv: announced downloads still running, by name. */
  private readonly pending = new Map<string, number>();
  private files = 0;
  private installing = false;
  constructor(
    private readonly say: (message: string) => void,
    now = Date.now(),
  ) {
    this.started = now;
  }

  /** Feed one line of the installer's output; shows what is being fetched, with its size. */
  line(text: string): void {
    const line = text.trim();
    const uvStart = /^Downloading (\S+) \(([\d.]+) ?(KiB|MiB|GiB)\)$/.exec(line);
    if (uvStart) {
      const mb =
        Number(uvStart[2]) *
        (uvStart[3] === 'KiB' ? 1.024 / 1000 : uvStart[3] === 'GiB' ? 1073.741824 : 1.048576);
      if (this.pending.size === 0 && this.files === 0) this.say('  downloading in parallel…');
      this.pending.set(uvStart[1] ?? '', mb);
      this.files += 1;
      return;
    }
    const uvDone = /^Downloaded (\S+)$/.exec(line);
    if (uvDone) {
      const name = uvDone[1] ?? '';
      this.downloadedMb += this.pending.get(name) ?? 0;
      this.pending.delete(name);
      return;
    }
    const dl = /^Downloading (\S+) \(([\d.]+) (kB|MB|GB)\)/.exec(line);
    if (dl) {
      if (this.current) this.downloadedMb += this.current.mb;
      const mb = Number(dl[2]) * (dl[3] === 'kB' ? 1 / 1000 : dl[3] === 'GB' ? 1000 : 1);
      this.current = { name: (dl[1]?.split('/').pop() ?? '').replace(/-\d.*$/, ''), mb };
      this.files += 1;
      if (mb >= 10) this.say(`  downloading ${this.current.name} (${formatMb(mb)})`);
      return;
    }
    if (line.startsWith('Installing collected packages') || /^Prepared \d+ packages?/.test(line)) {
      if (this.current) this.downloadedMb += this.current.mb;
      this.current = undefined;
      this.installing = true;
      // uv names only its large downloads, and none when its cache holds them.
      this.say(
        this.files > 0
          ? `  downloaded ${this.files} files (${formatMb(this.downloadedMb)}); installing…`
          : '  installing…',
      );
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
    if (this.pending.size > 0 && !this.installing) {
      const left = [...this.pending.values()].reduce((a, b) => a + b, 0);
      return `  … ${elapsed}: ${formatMb(this.downloadedMb)} of ${formatMb(this.downloadedMb + left)} downloaded, ${this.pending.size} files still coming`;
    }
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
