import { AbortedError } from '../core/errors/aborted-error.ts';
import { HttpError } from './openai-error.ts';

export interface RequestQueueOptions {
  /** Generations running at once. Defaults to 1. */
  concurrency?: number;
  /** Requests allowed to wait; more are refused with 429. Defaults to 256. */
  maxWaiting?: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** A FIFO semaphore: at most `concurrency` holders, a bounded wait line, and waiters that leave on abort. */
export class RequestQueue {
  readonly concurrency: number;
  readonly maxWaiting: number;
  #running = 0;
  readonly #waiting: Waiter[] = [];

  constructor(options: RequestQueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.maxWaiting = Math.max(0, options.maxWaiting ?? 256);
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Wait for a slot. Resolves with a release function (call it exactly once); rejects on abort or a full line. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new AbortedError('Request aborted while queued'));
    if (this.#running < this.concurrency) {
      this.#running += 1;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting.length >= this.maxWaiting)
      return Promise.reject(
        new HttpError(429, `Model is busy: ${this.#waiting.length} requests already waiting`, {
          code: 'queue_full',
          headers: { 'retry-after': '1' },
        }),
      );
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiting.indexOf(waiter);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(new AbortedError('Request aborted while queued'));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) {
        next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve(this.#releaser());
      } else this.#running -= 1;
    };
  }
}
