import { Worker } from 'node:worker_threads';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { SetupError } from '../core/errors/setup-error.ts';
import { tsWorkerUrl } from '../core/ts-worker.ts';
import type { Verdict } from '../core/verdict.ts';
import { extractAnswer } from './extract.ts';
import { DEFAULT_VERIFY_TIMEOUT_MS, type VerifyInput } from './verify-answer.ts';
import type { WorkerReply, WorkerRequest } from './verify-worker.ts';
import { VERIFIER_VERSION } from './version.ts';

export interface VerifyBatchOptions {
  /** Hard time limit per pair in ms (a pair's own `timeoutMs` wins). Defaults to 5000. */
  timeoutMs?: number;
  /** Worker threads checking in parallel. Defaults to 1 (one core). */
  concurrency?: number;
  /** Pairs sent to a worker at a time. Defaults to 64. */
  chunkSize?: number;
  /** Memory cap per worker in MiB; a pair that exceeds it fails alone. Defaults to 512. */
  maxMemoryMb?: number;
  /** Called as verdicts become ready, always in input order. */
  onVerdict?: (index: number, verdict: Verdict) => void;
  signal?: AbortSignal;
}

/** The worker is TypeScript (started through tsx). */
const bootstrap = tsWorkerUrl(new URL('./verify-worker.ts', import.meta.url));

function failed(method: string, detail: string, input?: VerifyInput): Verdict {
  const { extracted, extractor } = input
    ? extractAnswer(input.pred, input.extract)
    : { extracted: null, extractor: null };
  return {
    correct: false,
    extracted,
    extractor,
    method,
    verifierVersion: VERIFIER_VERSION,
    detail,
  };
}

/** One worker thread that checks chunks and is replaced when a pair overruns its time limit. */
class Lane {
  private worker: Worker | undefined;
  constructor(private readonly maxMemoryMb: number) {}

  private async spawn(): Promise<Worker> {
    if (this.worker) return this.worker;
    const worker = new Worker(bootstrap, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
    });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SetupError('The verify worker did not start within 60 s.')),
        60_000,
      );
      worker.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(new SetupError(`The verify worker failed to start: ${error.message}`, { cause: error }));
      });
    });
    return worker;
  }

  private kill(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  /** Check `items` (indices into the batch); each pair gets `limitOf(i)` ms. */
  async run(
    items: { i: number; input: VerifyInput }[],
    limitOf: (i: number) => number,
    deliver: (i: number, v: Verdict) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    let pending = items;
    while (pending.length > 0) {
      if (signal?.aborted) throw new AbortedError();
      const worker = await this.spawn();
      const done = await new Promise<number>((resolve) => {
        let next = 0;
        let timer: NodeJS.Timeout | undefined;
        const arm = () => {
          clearTimeout(timer);
          const current = pending[next];
          if (!current) return;
          timer = setTimeout(
            () => finish(next, 'timeout', `no verdict within ${limitOf(current.i)} ms`),
            limitOf(current.i),
          );
        };
        const onMessage = (reply: WorkerReply) => {
          deliver(reply.i, reply.verdict);
          next++;
          if (next >= pending.length) finish(next);
          else arm();
        };
        const onError = (error: Error) => finish(next, 'none', `checker crashed: ${error.message}`);
        const onAbort = () => finish(next);
        const finish = (at: number, method?: string, detail?: string) => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          signal?.removeEventListener('abort', onAbort);
          const current = pending[at];
          if (method && current) {
            this.kill();
            deliver(current.i, failed(method, detail ?? '', current.input));
            resolve(at + 1);
          } else {
            if (signal?.aborted) this.kill();
            resolve(at);
          }
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        signal?.addEventListener('abort', onAbort, { once: true });
        const request: WorkerRequest = { items: pending };
        worker.postMessage(request);
        arm();
      });
      pending = pending.slice(done);
    }
  }

  close(): void {
    this.kill();
  }
}

/**
 * Check thousands of (gold, pred) pairs in one process. Pairs run in worker threads; a pair that
 * runs past its time limit (or out of memory) gets a `timeout` / `none` verdict and its worker is
 * replaced, so a pathological expression never stalls the batch. Verdicts come back in input order.
 */
export async function verifyBatch(
  inputs: VerifyInput[],
  options: VerifyBatchOptions = {},
): Promise<Verdict[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  const chunkSize = Math.max(1, options.chunkSize ?? 64);
  const lanes = Array.from(
    { length: Math.max(1, Math.min(options.concurrency ?? 1, inputs.length || 1)) },
    () => new Lane(options.maxMemoryMb ?? 512),
  );
  const results: (Verdict | undefined)[] = new Array(inputs.length);
  const limitOf = (i: number) => inputs[i]?.timeoutMs ?? timeoutMs;
  let flushed = 0;
  const deliver = (i: number, v: Verdict) => {
    results[i] = v;
    // Report in input order, whatever order the workers finish in.
    for (let r = results[flushed]; r !== undefined && flushed < results.length; r = results[flushed]) {
      options.onVerdict?.(flushed, r);
      flushed++;
    }
  };
  let cursor = 0;
  const takeChunk = () => {
    const start = cursor;
    cursor = Math.min(inputs.length, cursor + chunkSize);
    return inputs.slice(start, cursor).map((input, k) => ({ i: start + k, input }));
  };
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        for (let chunk = takeChunk(); chunk.length > 0; chunk = takeChunk()) {
          await lane.run(chunk, limitOf, deliver, options.signal);
        }
      }),
    );
  } finally {
    for (const lane of lanes) lane.close();
  }
  if (options.signal?.aborted) throw new AbortedError();
  return results.map((v) => v ?? failed('none', 'not checked'));
}
