import { setTimeout as sleep } from 'node:timers/promises';

export interface RateLimiterOptions {
  /** Requests per minute. Defaults to no limit. */
  rpm?: number;
  /** Tokens (input + output) per minute. Defaults to no limit. */
  tpm?: number;
  /** Clock, for tests. Defaults to `performance.now`. */
  now?: () => number;
}

/** A continuously refilling bucket holding at most one minute of budget. Debt (negative level) is allowed. */
class Bucket {
  private level: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {
    this.level = Math.min(perMinute, Math.max(1, perMinute / 60)); // start with ~1 s of budget: no burst at t=0
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.level = Math.min(this.perMinute, this.level + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Milliseconds until `amount` is available (0 = take it now). */
  waitFor(amount: number): number {
    this.refill();
    const need = Math.min(amount, this.perMinute) - this.level;
    return need <= 0 ? 0 : Math.ceil((need * 60_000) / this.perMinute);
  }

  take(amount: number): void {
    this.refill();
    this.level -= amount;
  }

  /** Correct an earlier estimate by `delta` tokens (positive = used more than reserved). */
  adjust(delta: number): void {
    this.level -= delta;
  }
}

/**
 * RPM/TPM limits plus a shared pause: when a provider says "wait" (429 + Retry-After or rate-limit headers),
 * nobody sends until the pause is over.
 */
export class RateLimiter {
  private readonly requests: Bucket | undefined;
  private readonly tokens: Bucket | undefined;
  private readonly now: () => number;
  private pausedUntil = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.requests = options.rpm ? new Bucket(options.rpm, this.now) : undefined;
    this.tokens = options.tpm ? new Bucket(options.tpm, this.now) : undefined;
  }

  /** Hold all requests for `ms` from now (keeps the longest pause asked for). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Wait until one request with `estimatedTokens` may go, then take it from the buckets. */
  async acquire(estimatedTokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = this.waitFor(estimatedTokens);
      if (wait <= 0) break;
      await sleep(Math.min(wait, 1000), undefined, signal ? { signal } : {});
    }
    this.take(estimatedTokens);
  }

  /**
   * {@link acquire} without waiting: takes the budget and returns true when it is there now, else takes nothing
   * and returns false (then await `acquire`). Lets a caller skip a promise per request when nothing limits it.
   */
  tryAcquire(estimatedTokens: number): boolean {
    if (this.waitFor(estimatedTokens) > 0) return false;
    this.take(estimatedTokens);
    return true;
  }

  private waitFor(estimatedTokens: number): number {
    return Math.max(
      this.pausedUntil - this.now(),
      this.requests?.waitFor(1) ?? 0,
      this.tokens?.waitFor(estimatedTokens) ?? 0,
    );
  }

  private take(estimatedTokens: number): void {
    this.requests?.take(1);
    this.tokens?.take(estimatedTokens);
  }

  /** After a reply: charge the difference between actual and estimated tokens. */
  settle(estimatedTokens: number, actualTokens: number): void {
    this.tokens?.adjust(actualTokens - estimatedTokens);
  }
}

/**
 * Additive-increase / multiplicative-decrease concurrency: halves on a rate limit, grows by one after
 * `growEvery` successes, never above `max` nor below 1.
 */
export class AdaptiveConcurrency {
  private current: number;
  private successes = 0;

  constructor(
    private readonly max: number,
    private readonly growEvery = 16,
  ) {
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  onRateLimit(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
  }

  onSuccess(): void {
    if (this.current >= this.max) return;
    this.successes += 1;
    if (this.successes >= this.growEvery) {
      this.current += 1;
      this.successes = 0;
    }
  }
}
