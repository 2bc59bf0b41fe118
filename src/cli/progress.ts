import cliProgress from 'cli-progress';

export interface ProgressOptions {
  label: string;
  total: number;
  /** Emit JSON lines on stderr instead of a bar. Defaults to false. */
  json?: boolean;
  /** Unit shown with the rate. Defaults to `it`. */
  unit?: string;
  /** Minimum milliseconds between non-TTY/JSON updates. Defaults to 2000. */
  intervalMs?: number;
  /** Work already done before this display started (a resumed job): not counted in the rate. Defaults to 0. */
  start?: number;
}

export interface ProgressExtra {
  /** Money spent so far in USD (shown when defined). */
  costUsd?: number;
  /** Free-form short status, e.g. `errors 3 (429:2 timeout:1)` or `loss 0.42`. */
  status?: string;
}

/** A progress display with rate, ETA and cost: a bar on a TTY, periodic lines otherwise, JSON lines with --json. */
export class Progress {
  private readonly started = Date.now();
  private readonly bar: cliProgress.SingleBar | undefined;
  private lastLine = 0;
  private done: number;
  private total: number;

  constructor(private readonly options: ProgressOptions) {
    this.total = options.total;
    this.done = options.start ?? 0;
    if (!options.json && process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${options.label} [{bar}] {value}/{total} {percentage}% | {rate} | ETA {eta_formatted}{cost}{status}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(options.total, options.start ?? 0, { rate: '', cost: '', status: '' });
    }
  }

  setTotal(total: number): void {
    this.total = total;
    this.bar?.setTotal(total);
  }

  update(done: number, extra: ProgressExtra = {}): void {
    this.done = done;
    const rate = this.rate();
    const cost = extra.costUsd !== undefined ? ` | $${extra.costUsd.toFixed(4)}` : '';
    const status = extra.status ? ` | ${extra.status}` : '';
    if (this.bar) {
      this.bar.update(done, { rate: `${rate.toFixed(1)} ${this.options.unit ?? 'it'}/s`, cost, status });
      return;
    }
    const now = Date.now();
    if (now - this.lastLine < (this.options.intervalMs ?? 2000) && done < this.total) return;
    this.lastLine = now;
    const etaS = rate > 0 ? Math.max(0, (this.total - done) / rate) : undefined;
    if (this.options.json) {
      process.stderr.write(
        `${JSON.stringify({ type: 'progress', label: this.options.label, done, total: this.total, rate, etaS, ...extra })}\n`,
      );
    } else {
      const pct = this.total > 0 ? Math.floor((100 * done) / this.total) : 100;
      const eta = etaS === undefined ? '?' : `${Math.round(etaS)}s`;
      process.stderr.write(
        `${this.options.label} ${done}/${this.total} ${pct}% | ${rate.toFixed(1)} ${this.options.unit ?? 'it'}/s | ETA ${eta}${cost}${status}\n`,
      );
    }
  }

  stop(): void {
    this.bar?.stop();
  }

  private rate(): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? (this.done - (this.options.start ?? 0)) / seconds : 0;
  }
}
