import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { SetupError } from '../core/errors/setup-error.ts';
import type { Verdict } from '../core/verdict.ts';
import { extractChoice } from './choice.ts';
import { DEFAULT_VERIFY_TIMEOUT_MS, goldAnswer, type VerifyInput, verifyAnswer } from './verify-answer.ts';

/** `src/verify/python/requirements.txt`: the pinned Math-Verify environment (its hash keys the cached venv). */
export const MATH_VERIFY_REQUIREMENTS = fileURLToPath(new URL('./python/requirements.txt', import.meta.url));
/** The JSON-lines worker script run by each pool process. */
export const MATH_VERIFY_WORKER = fileURLToPath(new URL('./python/math_verify_worker.py', import.meta.url));
/** Recorded as `verifierVersion` in Math-Verify verdicts. */
export const MATH_VERIFY_VERSION = 'math-verify/0.9.0';

const ReplySchema = z.object({
  i: z.number().int(),
  correct: z.boolean(),
  extracted: z.string().nullable(),
  gold: z.string().nullable(),
  error: z.string().nullable(),
});
type Reply = z.infer<typeof ReplySchema>;

export interface MathVerifyPoolOptions {
  /** Python of a venv with `math-verify` installed (see `MATH_VERIFY_REQUIREMENTS`). */
  python: string;
  /** Worker processes checking in parallel. Defaults to 1. */
  workers?: number;
  /** Hard time limit per pair in ms; an overrunning worker is killed and replaced. Defaults to 5000 (plus start-up). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  input: VerifyInput;
  resolve: (v: Verdict) => void;
}

/** What the Python side is sent for one pair: Distill's gold answer boxed, the reply as is. */
function request(id: number, input: VerifyInput): string {
  const kind = input.kind ?? 'math';
  const gold =
    kind === 'choice'
      ? (extractChoice(goldAnswer(input.gold)) ?? '')
      : `$\\boxed{${goldAnswer(input.gold)}}$`;
  return `${JSON.stringify({ i: id, gold, pred: input.pred, kind })}\n`;
}

function toVerdict(reply: Reply): Verdict {
  const detail = reply.error
    ? `math-verify failed: ${reply.error}`
    : reply.extracted === null
      ? 'no answer found'
      : undefined;
  return {
    correct: reply.correct,
    extracted: reply.extracted,
    extractor: reply.extracted === null ? null : 'math-verify',
    method: reply.error ? 'none' : 'math-verify',
    verifierVersion: MATH_VERIFY_VERSION,
    ...(detail ? { detail } : {}),
  };
}

function failedVerdict(method: string, detail: string): Verdict {
  return {
    correct: false,
    extracted: null,
    extractor: null,
    method,
    verifierVersion: MATH_VERIFY_VERSION,
    detail,
  };
}

/** One long-lived Python process that checks one pair at a time. */
class PyWorker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<void> | undefined;
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private stderrTail = '';

  constructor(
    private readonly python: string,
    private readonly timeoutMs: number,
    private readonly onIdle: (w: PyWorker) => void,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = spawn(this.python, ['-u', MATH_VERIFY_WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stderrTail = '';
    child.stderr.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString()).slice(-2000);
    });
    const lines = createInterface({ input: child.stdout });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new SetupError('The Math-Verify worker did not start within 60 s.'));
      }, 60_000);
      let started = false;
      child.once('error', (error) => {
        clearTimeout(timer);
        this.kill();
        reject(
          new SetupError(`could not start the Math-Verify worker (${this.python}): ${error.message}`, {
            hint: 'run: distill setup math-verify',
          }),
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
        if (!started) {
          reject(
            new SetupError(`the Math-Verify worker exited with code ${code}: ${tail}`, {
              hint: 'run: distill setup math-verify',
            }),
          );
        } else this.crashed(`math-verify worker exited (code ${code}): ${tail}`);
      });
      lines.on('line', (line) => {
        if (!started) {
          started = true;
          clearTimeout(timer);
          resolve();
          return;
        }
        this.onLine(line);
      });
    });
    return this.ready;
  }

  private onLine(line: string): void {
    const current = this.current;
    if (!current) return;
    let reply: Reply;
    try {
      reply = ReplySchema.parse(JSON.parse(line));
    } catch {
      return;
    }
    if (reply.i !== current.job.id) return;
    clearTimeout(current.timer);
    this.current = undefined;
    current.job.resolve(toVerdict(reply));
    this.onIdle(this);
  }

  private crashed(detail: string): void {
    this.child = undefined;
    this.ready = undefined;
    const current = this.current;
    this.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.job.resolve(failedVerdict('none', detail));
      this.onIdle(this);
    }
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  async run(job: Job): Promise<void> {
    const limit = job.input.timeoutMs ?? this.timeoutMs;
    this.current = { job, timer: setTimeout(() => {}, 0) };
    try {
      await this.start();
    } catch (error) {
      this.current = undefined;
      throw error;
    }
    const timer = setTimeout(() => {
      if (this.current?.job !== job) return;
      this.current = undefined;
      this.kill();
      job.resolve(failedVerdict('timeout', `no verdict within ${limit} ms`));
      this.onIdle(this);
    }, limit);
    this.current = { job, timer };
    this.child?.stdin.write(request(job.id, job.input));
  }

  kill(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child) {
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
    }
  }
}

/**
 * A pool of Python processes running Hugging Face Math-Verify (`parse` + `verify`, default settings).
 * Verdicts have the same shape as the TypeScript verifier's (`extractor` and `method` are `math-verify`,
 * `verifierVersion` is `math-verify/0.9.0`). `exact` pairs are checked in process (Math-Verify has no
 * exact mode). A pair that overruns its time limit gets a `timeout` verdict and its worker is replaced.
 */
export class MathVerifyPool {
  private readonly workers: PyWorker[];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private startError: unknown;

  constructor(options: MathVerifyPoolOptions) {
    const n = Math.max(1, options.workers ?? 1);
    const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
    this.workers = Array.from(
      { length: n },
      () => new PyWorker(options.python, timeoutMs, (w) => this.pump(w)),
    );
  }

  private pump(worker?: PyWorker): void {
    const idle = worker ? [worker] : this.workers.filter((w) => !w.busy);
    for (const w of idle) {
      if (w.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      w.run(job).catch((error: unknown) => {
        this.startError = error;
        job.resolve(failedVerdict('none', error instanceof Error ? error.message : String(error)));
        for (const j of this.queue.splice(0)) j.resolve(failedVerdict('none', 'math-verify unavailable'));
      });
    }
  }

  /** Check one pair. */
  check(input: VerifyInput): Promise<Verdict> {
    if ((input.kind ?? 'math') === 'exact') return Promise.resolve(verifyAnswer(input));
    if (this.startError) return Promise.reject(this.startError);
    return new Promise<Verdict>((resolve) => {
      this.queue.push({ id: this.nextId++, input, resolve });
      this.pump();
    });
  }

  /**
   * Check many pairs; verdicts come back in input order (and through `onVerdict` as they are ready, in order).
   * Throws the SetupError when the workers cannot start.
   */
  async checkMany(
    inputs: readonly VerifyInput[],
    options: { onVerdict?: (index: number, v: Verdict) => void; signal?: AbortSignal } = {},
  ): Promise<Verdict[]> {
    const results: (Verdict | undefined)[] = new Array(inputs.length);
    let flushed = 0;
    const all = inputs.map((input, i) =>
      this.check(input).then((v) => {
        results[i] = v;
        for (let r = results[flushed]; r !== undefined && flushed < results.length; r = results[flushed]) {
          options.onVerdict?.(flushed, r);
          flushed++;
        }
        return v;
      }),
    );
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new AbortedError());
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    let verdicts: Verdict[];
    try {
      verdicts = await Promise.race([Promise.all(all), aborted]);
    } finally {
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
    if (this.startError) throw this.startError;
    return verdicts;
  }

  /** Stop every worker process. */
  close(): void {
    for (const w of this.workers) w.kill();
    for (const j of this.queue.splice(0)) j.resolve(failedVerdict('none', 'pool closed'));
  }
}
