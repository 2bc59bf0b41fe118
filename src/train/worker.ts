import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AbortedError } from '../core/errors/aborted-error.ts';
import type { DistillError } from '../core/errors/distill-error.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { ModelError } from '../core/errors/model-error.ts';
import { type LaunchOptions, launchArgs } from './launch.ts';
import { trainerDir } from './paths.ts';
import { ensureVenv, type VenvOptions } from './venv.ts';
import { ErrorEventSchema, type WorkerEvent, WorkerEventSchema } from './worker-events.ts';

export interface RunWorkerOptions extends LaunchOptions {
  /** Venv options (root, progress callback). Defaults to the cached default venv. */
  venv?: VenvOptions;
  /** Called for every JSON line the worker prints. Defaults to no-op. */
  onEvent?: (event: WorkerEvent) => void;
  /** On abort the worker gets SIGTERM, checkpoints, and the call rejects with AbortedError. */
  signal?: AbortSignal;
  /** Extra environment variables. Defaults to none. */
  env?: Record<string, string>;
  /** Called with the worker's stderr (warnings, tracebacks). Defaults to keeping only a tail for errors. */
  onStderr?: (text: string) => void;
}

export interface WorkerResult {
  /** Every event the worker printed, in order. */
  events: WorkerEvent[];
  /** The last `done` event. */
  done: WorkerEvent;
}

const INPUT_CODES = new Set([
  'E_UNKNOWN_PRESET',
  'E_BAD_CONFIG',
  'E_BAD_DATA',
  'E_NO_CHECKPOINT',
  'E_UNSUPPORTED_ARCH',
  'E_UNSUPPORTED_TYPE',
  'E_BAD_GGUF',
]);

function toError(event: { code: string; message: string; hint?: string | undefined }): DistillError {
  const opts = { code: event.code, ...(event.hint ? { hint: event.hint } : {}) };
  if (event.code === 'E_ABORTED' || event.code === 'E_INTERRUPTED')
    return new AbortedError(event.message, opts);
  if (INPUT_CODES.has(event.code)) return new InvalidInputError(event.message, opts);
  return new ModelError(event.message, opts);
}

/**
 * Run `python -m distill_trainer <args>` in the trainer venv, streaming its JSON-line events.
 * Resolves with the `done` event; rejects with a typed DistillError built from the worker's `error` line.
 */
export async function runWorker(args: string[], options: RunWorkerOptions = {}): Promise<WorkerResult> {
  const venv = await ensureVenv(options.venv);
  const launch = launchArgs(args, options);
  const dir = trainerDir();
  const child = spawn(venv.python, launch.argv, {
    cwd: dir,
    env: { ...process.env, PYTHONPATH: dir, PYTHONUNBUFFERED: '1', ...launch.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  let error: { code: string; message: string; hint?: string | undefined } | undefined;
  let stderrTail = '';
  child.stderr.on('data', (b: Buffer) => {
    const text = b.toString();
    stderrTail = (stderrTail + text).slice(-6000);
    options.onStderr?.(text);
  });
  const onAbort = (): void => {
    child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    const ev = WorkerEventSchema.safeParse(parsed);
    if (!ev.success) return;
    const event = ev.data as WorkerEvent;
    events.push(event);
    const err = ErrorEventSchema.safeParse(event);
    if (err.success && !error) error = err.data;
    options.onEvent?.(event);
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', (e) =>
        reject(new ModelError(`cannot start the training worker: ${e.message}`, { cause: e })),
      );
      child.on('close', (code, signal) => resolve({ code, signal }));
    },
  );
  options.signal?.removeEventListener('abort', onAbort);
  await new Promise((r) => setImmediate(r));
  if (options.signal?.aborted) {
    const ckpt = events.findLast((e) => e.type === 'interrupted' || e.type === 'checkpoint');
    throw new AbortedError('training interrupted', {
      hint: ckpt ? 'run the same command again with --resume to continue from the checkpoint' : undefined,
    });
  }
  if (error) throw toError(error);
  const done = events.findLast((e) => e.type === 'done');
  if (exit.code !== 0 || !done) {
    const last = stderrTail.trim().split('\n').slice(-5).join('\n');
    throw new ModelError(
      `training worker exited with ${exit.signal ?? `code ${exit.code}`}${last ? `: ${last}` : ''}`,
      {
        hint: 'run with DISTILL_DEBUG=1 to see the worker log',
      },
    );
  }
  return { events, done };
}
