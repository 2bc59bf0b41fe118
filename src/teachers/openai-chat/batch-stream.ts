/**
 * A single-use async iterable fed by a push source (an HTTP response handler): batches come out in the order they
 * went in, then the end or the failure. Stopping early (`break`, a throw in the loop) calls `onCancel`, which
 * stops the source. No stream machinery: a reply whose batches are already here costs one resolved promise each.
 */
export class BatchStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private head = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;

  constructor(private readonly onCancel: () => void) {}

  /** True once the source ended, failed or was cancelled: later pushes are dropped. */
  get closed(): boolean {
    return this.ended || this.failure !== undefined;
  }

  push(batch: T): void {
    if (this.closed) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value: batch, done: false });
    } else this.queue.push(batch);
  }

  end(): void {
    if (this.closed) return;
    this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve({ value: undefined, done: true });
  }

  /** Fail the stream: the reader gets the batches already pushed, then `error`. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head]!;
      this.queue[this.head++] = undefined as T;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    const wasOpen = !this.closed;
    this.ended = true;
    this.queue.length = 0;
    this.head = 0;
    if (wasOpen) this.onCancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
