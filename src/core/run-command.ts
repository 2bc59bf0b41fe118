import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AbortedError } from './errors/aborted-error.ts';

export interface RunCommandOptions {
  signal?: AbortSignal | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Called with each line the command writes, stdout and stderr alike. */
  onLine?: ((line: string) => void) | undefined;
}

/** The exit code of a finished command and the last 4,000 characters it wrote (stdout and stderr). */
export interface CommandResult {
  code: number;
  tail: string;
}

/**
 * Run a set-up command (venv creation, an installer) to its end. A missing binary is exit code 127 with
 * `<cmd>: not found` as its tail, not an exception; an abort is an AbortedError.
 */
export function runCommand(
  cmd: string,
  args: string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      env: options.env ?? process.env,
    });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onLine = options.onLine;
    if (onLine)
      for (const input of [child.stdout, child.stderr])
        createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(new AbortedError('venv set-up interrupted'));
      else if (err.code === 'ENOENT') resolve({ code: 127, tail: `${cmd}: not found` });
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}
