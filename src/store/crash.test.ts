import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';

const writer = fileURLToPath(new URL('./__fixtures__/crash-writer.ts', import.meta.url));
const perBatch = 100;
const kills = process.env.DISTILL_SLOW === '1' ? 15 : 4;
const dir = mkdtempSync(join(tmpdir(), 'distill-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Start the writer, let it commit `warmup` batches, then SIGKILL it `delayMs` after it announces the next batched
 * write (so the kill lands inside the insert transaction, or just around it).
 */
function runAndKill(path: string, warmup: number, delayMs: number): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', writer, path, String(perBatch)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let committed = 0;
  let aimed = false;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.startsWith('batch')) committed += 1;
        if (line.startsWith('begin') && committed >= warmup && !aimed) {
          aimed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited on its own (${code}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it(`survives ${kills} kill -9s in the middle of batched writes: integrity ok, no partial batch`, async () => {
    const path = join(dir, 'crash.sqlite');
    for (let i = 0; i < kills; i += 1) {
      await runAndKill(path, 1 + (i % 2), (i * 7) % 20);

      using store = openStore(path);
      expect(store.integrityCheck()).toBe('ok');
      const run = store.requireRun('crash');
      const total = store.countSamples(run.id);
      expect(total % perBatch).toBe(0);
      expect(total).toBeGreaterThanOrEqual((i + 1) * perBatch);
      const sizes = store.db
        .prepare(
          `SELECT json_extract(problem, '$.meta.batch') AS batch, count(*) AS n FROM samples
           WHERE run_id = ? GROUP BY batch ORDER BY batch`,
        )
        .all(run.id) as Array<{ batch: number; n: number }>;
      expect(sizes.map((s) => s.batch)).toEqual(sizes.map((_, b) => b));
      expect(sizes.every((s) => s.n === perBatch)).toBe(true);
    }
  }, 300_000);
});
