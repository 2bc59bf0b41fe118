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

/** What a started `distill serve|studio` gives back: its first `--json` line (with `url`) and the process. */
export interface Spawned<Info extends { url: string }> {
  info: Info;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Start `distill COMMAND … --port 0 --json` as a child process and wait for its first JSON line with a `url`. */
export function spawnDistillServer<Info extends { url: string }>(
  command: 'serve' | 'studio',
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; startMs?: number } = {},
): Promise<Spawned<Info>> {
  const startMs = options.startMs ?? 60_000;
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/distill.mjs'), command, ...args, '--port', '0', '--json'],
    {
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...options.env },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`distill ${command} did not start in ${startMs / 1000} s:\n${stderr}`)),
      startMs,
    );
    child.once('exit', (code) => reject(new Error(`distill ${command} exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const info = JSON.parse(line) as Info;
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

/** Start `distill serve … --port 0 --json` as a child process and wait for its `{"url":…}` line. */
export async function spawnServe(args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const { info, ...rest } = await spawnDistillServer<{ url: string }>('serve', args, { env });
  return { url: info.url, ...rest };
}
