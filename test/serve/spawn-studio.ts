import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

export interface SpawnedStudio {
  /** The `--json` line `distill studio` printed first. */
  info: { url: string; studio: string | null; store: string | null; models: string[]; web: string };
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM, then resolve with the exit code. */
  stop: () => Promise<number | null>;
}

/** Start `distill studio … --port 0 --json` in `cwd` (default: a folder without models) and wait for its JSON line. */
export function spawnStudio(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<SpawnedStudio> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/distill.mjs'), 'studio', ...args, '--port', '0', '--json'],
    {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', DISTILL_STORE: '', ...options.env },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`distill studio did not start in 90 s:\n${stderr}`)),
      90_000,
    );
    child.once('exit', (code) => reject(new Error(`distill studio exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const info = JSON.parse(line) as SpawnedStudio['info'];
      if (!info.url) return;
      clearTimeout(timer);
      resolvePromise({
        info,
        child,
        stderr: () => stderr,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
