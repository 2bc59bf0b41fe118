import type { ChatRequest, GenerationControl } from '../../core/chat-model.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import type { Trace } from '../../core/trace.ts';
import { toProviderError } from '../provider-errors.ts';
import type { GenerateOptions, Teacher, TeacherInfo } from '../teacher.ts';
import { type EndpointLimits, EndpointState, type HealthOptions, pickEndpoint } from './endpoint-state.ts';

/** Pause for a 429 without a Retry-After, in ms. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 1000;
/** Kinds that count against an endpoint's health (the request itself may be fine elsewhere). */
const FAULT_KINDS = new Set(['server', 'timeout', 'truncated', 'network', 'malformed', 'empty']);

export interface PoolMember {
  teacher: Teacher;
  limits: EndpointLimits;
}

export interface PoolTeacherOptions {
  health?: HealthOptions;
  /**
   * The model every endpoint was checked to serve (`createPool` asks `/v1/models`). Defaults to comparing the
   * members' own model ids, which must then be equal.
   */
  model?: string;
  /** Clock, for tests. Defaults to `performance.now`. */
  now?: () => number;
}

/** What a pool records about one endpoint (run config and `distill runs`). */
export interface PoolEndpointReport {
  uri: string;
  weight: number;
  concurrency: number;
  rpm?: number;
  served: number;
  faults: number;
  health: EndpointState['health'];
}

/**
 * Several teachers of the same model behind one `Teacher`, so the engine stays one scheduler. Each request goes
 * to the endpoint with the most weighted free capacity; a fault counts against that endpoint (taken out of
 * rotation after repeated ones, probed before it returns) and the request fails over to another endpoint at once;
 * a 429 pauses only that endpoint. The endpoint that served a trace is recorded in `trace.raw.endpoint`.
 * Only when no endpoint can take the request does the error reach the engine (its retry/backoff applies).
 */
export class PoolTeacher implements Teacher {
  readonly info: TeacherInfo;
  readonly endpoints: EndpointState[];
  private waiters: Array<() => void> = [];
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = 0;

  constructor(members: readonly PoolMember[], options: PoolTeacherOptions = {}) {
    if (members.length === 0) throw new InvalidInputError('A teacher pool needs at least one endpoint');
    const first = members[0]!.teacher.info;
    for (const m of members)
      if (
        m.teacher.info.provider !== first.provider ||
        (options.model === undefined && m.teacher.info.modelId !== first.modelId)
      )
        throw new InvalidInputError(
          `All endpoints of a pool must serve the same model: ${m.teacher.info.uri} is ${m.teacher.info.provider}:${m.teacher.info.modelId}, ${first.uri} is ${first.provider}:${first.modelId}`,
          { hint: 'give each model its own run (--out), or fix the #model part of the URIs' },
        );
    this.endpoints = members.map((m) => new EndpointState(m.teacher, m.limits, options.health, options.now));
    this.info = {
      ...first,
      uri: members.map((m) => m.teacher.info.uri).join(' '),
      modelId: options.model ?? first.modelId,
    };
  }

  get id(): string {
    return this.info.uri;
  }

  /** Total requests in flight the pool can hold (sum of endpoint concurrency). */
  get capacity(): number {
    return this.endpoints.reduce((s, e) => s + e.limits.concurrency, 0);
  }

  report(): PoolEndpointReport[] {
    return this.endpoints.map((e) => ({
      uri: e.uri,
      weight: e.limits.weight,
      concurrency: e.limits.concurrency,
      ...(e.limits.rpm ? { rpm: e.limits.rpm } : {}),
      served: e.served,
      faults: e.faults,
      health: e.health,
    }));
  }

  /**
   * Wait for an endpoint with a free slot (woken by a release or when the nearest pause/backoff ends), skipping
   * `exclude`. Undefined when failing over is pointless: every endpoint not yet tried is paused or down.
   */
  private async acquire(
    signal: AbortSignal | undefined,
    exclude: Set<EndpointState>,
  ): Promise<EndpointState | undefined> {
    for (;;) {
      signal?.throwIfAborted();
      const candidates = exclude.size > 0 ? this.endpoints.filter((e) => !exclude.has(e)) : this.endpoints;
      const pick = pickEndpoint(candidates);
      if (pick) {
        pick.inFlight += 1;
        return pick;
      }
      if (exclude.size > 0 && candidates.every((e) => e.waitMs() > 0)) return undefined;
      await this.waitForChange(signal);
    }
  }

  private waitForChange(signal: AbortSignal | undefined): Promise<void> {
    const timed = this.endpoints.map((e) => e.waitMs()).filter((ms) => ms > 0);
    if (timed.length > 0) {
      // Wake when the nearest pause or backoff ends (re-armed when a nearer one appears).
      const at = performance.now() + Math.min(...timed) + 1;
      if (!this.wakeTimer || at < this.wakeAt) {
        if (this.wakeTimer) clearTimeout(this.wakeTimer);
        this.wakeAt = at;
        this.wakeTimer = setTimeout(() => {
          this.wakeTimer = undefined;
          this.wakeAll();
        }, at - performance.now());
      }
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(toProviderError(signal?.reason, signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private release(e: EndpointState): void {
    e.inFlight -= 1;
    this.wakeAll();
  }

  /** Note how an attempt on `e` failed; true when another endpoint may take the request. */
  private noteError(e: EndpointState, pe: ProviderError): boolean {
    if (pe.kind === 'rate-limit') {
      e.onRateLimit(pe.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
      return true;
    }
    if (FAULT_KINDS.has(pe.kind)) {
      e.onFault();
      return true;
    }
    return false;
  }

  async generate(request: ChatRequest, options: GenerateOptions = {}): Promise<Trace> {
    const { signal } = options;
    const tried = new Set<EndpointState>();
    let last: ProviderError | undefined;
    // Every endpoint at most once per call: failing over is immediate, retrying the same one is the engine's job.
    while (tried.size < this.endpoints.length) {
      const e = await this.acquire(signal, tried);
      if (!e) break; // the rest are paused or down: let the engine back off
      tried.add(e);
      try {
        if (e.limits.rpm) await e.limiter.acquire(1, signal);
        const trace = await e.teacher.generate(request, options);
        if (!trace.reasoning && !trace.answer && trace.finishReason !== 'length')
          throw new ProviderError('empty', 'The reply has neither reasoning nor answer');
        e.onSuccess();
        return { ...trace, raw: { ...trace.raw, endpoint: e.uri } };
      } catch (error) {
        const pe = toProviderError(error, signal);
        if (signal?.aborted) throw pe;
        last = pe;
        if (!this.noteError(e, pe)) throw pe;
      } finally {
        this.release(e);
      }
    }
    throw last ?? new ProviderError('network', 'No endpoint of the pool could take the request');
  }

  async *stream(
    request: ChatRequest,
    options: { signal?: AbortSignal; control?: (c: GenerationControl) => void } = {},
  ): AsyncIterable<StreamPart> {
    const e = (await this.acquire(options.signal, new Set()))!;
    try {
      for await (const part of e.teacher.stream(request, options)) yield part;
      e.onSuccess();
    } catch (error) {
      this.noteError(e, toProviderError(error, options.signal));
      throw error;
    } finally {
      this.release(e);
    }
  }
}
