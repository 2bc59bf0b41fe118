import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tinyModel } from '../../src/runtime/testing/tiny-model.ts';

/** A real, randomly initialised tiny GGUF (trainer preset `nano`, 0.21M parameters): noise text, real stack. */
export const tinyGguf = (seed = 0): Promise<string> => tinyModel('nano', seed);

const ROOT = resolve(import.meta.dirname, '../..');

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr: () => string;
  /** SIGTERM, then resolve with the exit code. */
  stop: () => Promise<number | null>;
}

/** Start `distill serve … --port 0 --json` as a child process and wait for its `{"url":…}` line. */
export function spawnServe(args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/distill.mjs'), 'serve', ...args, '--port', '0', '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`distill serve did not start in 60 s:\n${stderr}`)),
      60_000,
    );
    child.once('exit', (code) => reject(new Error(`distill serve exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as { url?: string };
      if (!parsed.url) return;
      clearTimeout(timer);
      resolvePromise({
        url: parsed.url,
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
