import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DistillError } from '../core/errors/distill-error.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/distill.mjs');

/** A progress line a stage printed (`{"type":"progress",…}` on stderr with --json). */
export interface StageProgress {
  done: number;
  total: number;
  rate?: number;
  etaS?: number;
  costUsd?: number;
  status?: string;
  label?: string;
}

export interface StageRunOptions {
  argv: string[];
  logFile: string;
  cwd: string;
  signal?: AbortSignal;
  onProgress?: (p: StageProgress) => void;
  /** Resolve as soon as a stdout JSON line satisfies this (for long-running servers). */
  readyWhen?: (line: Record<string, unknown>) => boolean;
}

export interface StageRunResult {
  /** The last JSON object the stage printed on stdout. */
  result: Record<string, unknown>;
  child: ChildProcess;
}

/**
 * Run `distill <argv> --json` as a child process: progress JSON lines (stderr) go to `onProgress`, everything is
 * logged to `logFile`, and the last JSON line on stdout is the stage's result.
 */
export function runStageProcess(options: StageRunOptions): Promise<StageRunResult> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`$ distill ${options.argv.join(' ')}\n`);
  const child = spawn(process.execPath, [CLI, ...options.argv, '--json'], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return new Promise((resolvePromise, reject) => {
    let result: Record<string, unknown> = {};
    let settled = false;
    const onAbort = (): void => {
      child.kill('SIGINT');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      const parsed = tryJson(line);
      if (!parsed) return;
      result = parsed;
      if (!settled && options.readyWhen?.(parsed)) {
        settled = true;
        resolvePromise({ result, child });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.write(`${line}\n`);
      const parsed = tryJson(line);
      if (parsed?.type === 'progress') options.onProgress?.(parsed as unknown as StageProgress);
    });
    child.on('error', (error) => {
      if (!settled) reject(new DistillError(`Could not start stage: ${error.message}`, { cause: error }));
      settled = true;
    });
    child.on('close', (code, sig) => {
      options.signal?.removeEventListener('abort', onAbort);
      log.end();
      if (settled) return;
      settled = true;
      if (code === 0) resolvePromise({ result, child });
      else {
        const err = (result.error ?? {}) as { message?: string };
        reject(
          new DistillError(
            `distill ${options.argv[0]} failed (${sig ?? `exit ${code}`}): ${err.message ?? 'see its log'}`,
            {
              hint: `log: ${options.logFile}`,
              exitCode: code === 130 ? 130 : 1,
            },
          ),
        );
      }
    });
  });
}

function tryJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function stageLogFile(workdir: string, id: string): string {
  return join(workdir, 'logs', `${id}.log`);
}
