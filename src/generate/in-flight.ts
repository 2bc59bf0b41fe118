/**
 * The sample requests in flight: how many, a wake-up for the dispatcher when one ends, and when all have. A counter,
 * not a Set of promises: adding and deleting one entry per request on a long-lived Set measured tens of µs a
 * request on a fast local server (bench/generate). A job that rejects is counted as ended; {@link all} then
 * rejects with the first such error once every job has ended (nothing is left unhandled meanwhile).
 */
export class InFlight {
  size = 0;
  private failure: { error: unknown } | undefined;
  private onEnd: (() => void) | undefined;
  private onIdle: Array<() => void> = [];

  add(job: Promise<void>): void {
    this.size += 1;
    job.then(
      () => this.ended(),
      (error: unknown) => {
        this.failure ??= { error };
        this.ended();
      },
    );
  }

  /** Resolves when the next job ends (one waiter at a time: the dispatcher). */
  nextEnd(): Promise<void> {
    return new Promise((resolve) => {
      this.onEnd = resolve;
    });
  }

  /** Resolves once no job is in flight (failed ones included). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.onIdle.push(resolve));
  }

  /** Every job ended: resolves, or rejects with the first job's error. */
  async all(): Promise<void> {
    await this.idle();
    if (this.failure) throw this.failure.error;
  }

  private ended(): void {
    this.size -= 1;
    const wake = this.onEnd;
    this.onEnd = undefined;
    wake?.();
    if (this.size > 0) return;
    const idle = this.onIdle;
    this.onIdle = [];
    for (const resolve of idle) resolve();
  }
}
