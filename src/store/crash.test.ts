import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';

const writer = fileURLToPath(new URL('./__fixtures__/crash-writer.ts', import.meta.url));
const perBatch = 100;
const kills = process.env.DISTILL_SLOW === '1' ? 12 : 4;
const dir = mkdtempSync(join(tmpdir(), 'distill-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start the writer; resolve once it has committed `batches` batches (then it keeps writing). */
function startWriter(path: string, batches: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(perBatch)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = 0;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      seen += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('batch')).length;
      if (seen >= batches) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('crash safety', () => {
  it(`survives ${kills} kill -9s mid-write: integrity ok and no partial batch`, async () => {
    const path = join(dir, 'crash.sqlite');
    let previous = 0;
    for (let i = 0; i < kills; i += 1) {
      const child = await startWriter(path, 1 + (i % 3));
      // Kill at an uneven moment inside the write loop (most of the time is spent inside a transaction).
      await new Promise((r) => setTimeout(r, 5 + ((i * 37) % 60)));
      await killed(child);

      const store = openStore(path);
      expect(store.integrityCheck()).toBe('ok');
      const run = store.requireRun('crash');
      const total = store.countSamples(run.id);
      expect(total % perBatch).toBe(0);
      expect(total).toBeGreaterThan(previous);
      previous = total;
      const sizes = store.db
        .prepare(
          `SELECT json_extract(problem, '$.meta.batch') AS batch, count(*) AS n FROM samples
           WHERE run_id = ? GROUP BY batch ORDER BY batch`,
        )
        .all(run.id) as Array<{ batch: number; n: number }>;
      expect(sizes.map((s) => s.batch)).toEqual(sizes.map((_, b) => b));
      expect(sizes.every((s) => s.n === perBatch)).toBe(true);
      store.close();
    }
  });
});
