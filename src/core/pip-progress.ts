/** Progress of a pip install, and why the trainer's first install is long. */

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
