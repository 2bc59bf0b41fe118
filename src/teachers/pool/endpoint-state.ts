import { RateLimiter } from '../rate-limiter.ts';
import type { Teacher } from '../teacher.ts';

/** Health knobs of a pool. */
export interface HealthOptions {
  /** Consecutive faults that mark an endpoint unhealthy. Defaults to 3. */
  faultThreshold?: number;
  /** First time out of rotation, in ms (doubles on each failed probe). Defaults to 1000. */
  baseBackoffMs?: number;
  /** Longest time out of rotation, in ms. Defaults to 30000. */
  maxBackoffMs?: number;
}

/** One endpoint's limits as the pool file (or a repeated `--teacher`) gives them. */
export interface EndpointLimits {
  /** Share of traffic relative to the other endpoints when all have free capacity. Defaults to 1. */
  weight: number;
  /** Requests in flight on this endpoint at most. */
  concurrency: number;
  /** Requests per minute on this endpoint. Defaults to no limit. */
  rpm?: number;
}

/**
 * An endpoint of a pool: its teacher, its capacity (in flight vs concurrency, its own RPM bucket), and its health.
 *
 * Health: `healthy` → after `faultThreshold` consecutive faults `down` until `downUntil` (backoff doubles each
 * time) → `probing` (exactly one request in flight) → `healthy` on success, `down` again (longer) on failure.
 * A 429 is not a fault: the endpoint is only paused for its Retry-After.
 */
export class EndpointState {
  inFlight = 0;
  served = 0;
  faults = 0;
  health: 'healthy' | 'down' | 'probing' = 'healthy';
  downUntil = 0;
  pausedUntil = 0;
  private consecutive = 0;
  private backoffMs: number;
  readonly limiter: RateLimiter;
  private readonly threshold: number;
  private readonly baseBackoff: number;
  private readonly maxBackoff: number;

  constructor(
    readonly teacher: Teacher,
    readonly limits: EndpointLimits,
    health: HealthOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.threshold = health.faultThreshold ?? 3;
    this.baseBackoff = health.baseBackoffMs ?? 1000;
    this.maxBackoff = health.maxBackoffMs ?? 30_000;
    this.backoffMs = this.baseBackoff;
    this.limiter = new RateLimiter({ ...(limits.rpm ? { rpm: limits.rpm } : {}), now });
  }

  get uri(): string {
    return this.teacher.info.uri;
  }

  /** Slots this endpoint can take now (0 when down, paused, probing with one out, or at its RPM). */
  free(): number {
    const t = this.now();
    if (t < this.pausedUntil) return 0;
    if (this.health === 'down') {
      if (t < this.downUntil) return 0;
      this.health = 'probing';
    }
    if (this.health === 'probing') return this.inFlight === 0 ? 1 : 0;
    return Math.max(0, this.limits.concurrency - this.inFlight);
  }

  /** Ms until this endpoint may have a slot again for reasons of time (pause, backoff); 0 when only busy. */
  waitMs(): number {
    const t = this.now();
    return Math.max(0, this.pausedUntil - t, this.health === 'down' ? this.downUntil - t : 0);
  }

  onSuccess(): void {
    this.consecutive = 0;
    this.served += 1;
    if (this.health !== 'healthy') {
      this.health = 'healthy';
      this.backoffMs = this.baseBackoff;
    }
  }

  /** A fault (connection refused, 5xx, timeout, garbled stream). Returns true when it took the endpoint down. */
  onFault(): boolean {
    this.faults += 1;
    this.consecutive += 1;
    if (this.health === 'probing' || this.consecutive >= this.threshold) {
      const wasProbe = this.health === 'probing';
      this.health = 'down';
      this.downUntil = this.now() + this.backoffMs;
      this.backoffMs = Math.min(this.maxBackoff, this.backoffMs * 2);
      if (!wasProbe) this.consecutive = 0;
      return true;
    }
    return false;
  }

  /** A 429: out of rotation for `ms` (its Retry-After, or a short default), without counting a fault. */
  onRateLimit(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}

/**
 * Choose the endpoint with the most weighted free capacity: free slots × weight, ties to the least loaded.
 * Undefined when none has a slot now.
 */
export function pickEndpoint(endpoints: readonly EndpointState[]): EndpointState | undefined {
  let best: EndpointState | undefined;
  let bestScore = 0;
  for (const e of endpoints) {
    const free = e.free();
    if (free <= 0) continue;
    const score = free * e.limits.weight;
    if (score > bestScore || (score === bestScore && best && e.inFlight < best.inFlight)) {
      best = e;
      bestScore = score;
    }
  }
  return best;
}
