import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.ts';
import { sampleSearchFilter } from '../store/search-index.ts';
import { sampleSearchMatch } from '../store/search-queries.ts';
import type { Store } from '../store/store.ts';
import { startFakeTeacher } from './testing/fake-teacher-server.ts';
import { spawnCli } from './testing/spawn-cli.ts';

const slow = process.env.DISTILL_SLOW === '1';

/** Samples of the run whose prompt has the word "What" (every `add` prompt), as a search sees them. */
function searchCount(store: Store, runId: string): number {
  const filter = sampleSearchFilter(store.db, 's', sampleSearchMatch('what')!, ['what']);
  return store.db
    .prepare(`SELECT count(*) FROM samples s WHERE s.run_id = ? AND ${filter.sql}`)
    .pluck()
    .get(runId, ...filter.params) as number;
}

/** Stored samples the search index does not cover yet. */
function unindexed(store: Store): number {
  return store.db
    .prepare('SELECT count(*) FROM samples WHERE seq > (SELECT indexed_through FROM sample_search_state)')
    .pluck()
    .get() as number;
}

function stored(store: Store, name: string): number {
  const run = store.getRun(name);
  return run ? store.countSamples(run.id) : 0;
}

/**
 * kill -9 `distill generate` at random points after it has stored something, re-run the same command each time,
 * then let it finish: exactly N×K samples, no duplicates, a sound database.
 */
async function crashAndResume(
  kills: number,
  problems: number,
  samples: number,
  extraArgs: string[] = [],
): Promise<void> {
  const server = await startFakeTeacher({ chunkDelayMs: 12 });
  const file = join(mkdtempSync(join(tmpdir(), 'distill-crash-')), 'store.sqlite');
  const args = [
    'generate',
    '--teacher',
    `openai-compatible:${server.url}/v1#fake-r1`,
    '--tasks',
    `add:${problems}:train`,
    '--samples',
    String(samples),
    '--out',
    'crashy',
    '--store',
    file,
    '--concurrency',
    '4',
    '--json',
    ...extraArgs,
  ];
  const total = problems * samples;
  const watcher = openStore(file);
  let midRunKills = 0;
  try {
    for (let k = 0; k < kills; k++) {
      const before = stored(watcher, 'crashy');
      if (before >= total) break;
      const { child, done } = spawnCli(args);
      let exited = false;
      void done.then(() => {
        exited = true;
      });
      // Wait for progress in this life, then kill at a random moment.
      while (!exited && stored(watcher, 'crashy') <= before) await sleep(20);
      if (exited) break;
      await sleep(Math.floor(Math.random() * 200));
      child.kill('SIGKILL');
      const end = await done;
      if (end.signal === 'SIGKILL' && stored(watcher, 'crashy') < total) midRunKills += 1;
    }
    const final = await spawnCli(args).done;
    expect(final.code, final.stderr).toBe(0);
    const result = JSON.parse(final.stdout.trim().split('\n').at(-1) ?? '{}') as {
      status: string;
      done: number;
    };
    expect(result).toMatchObject({ status: 'completed', done: total });
    expect(midRunKills).toBeGreaterThanOrEqual(1);
    const run = watcher.requireRun('crashy');
    expect(watcher.countSamples(run.id)).toBe(total);
    expect(watcher.runReport('crashy').counts.duplicates).toBe(0);
    expect(watcher.integrityCheck()).toBe('ok');
  } finally {
    watcher.close();
    await server.close();
  }
}

describe('generate crash safety', () => {
  it('kill -9 mid-run: runs list shows interrupted (not running forever); a re-run takes ownership and completes', async () => {
    const server = await startFakeTeacher({ chunkDelayMs: 150 });
    const file = join(mkdtempSync(join(tmpdir(), 'distill-stale-')), 'store.sqlite');
    const args = [
      'generate',
      '--teacher',
      `openai-compatible:${server.url}/v1#fake-r1`,
      '--tasks',
      'add:4:train',
      '--out',
      'stale',
      '--store',
      file,
      '--concurrency',
      '1',
      '--json',
    ];
    const watcher = openStore(file);
    try {
      const first = spawnCli(args);
      let exited = false;
      void first.done.then(() => {
        exited = true;
      });
      // Killed once it has stored a sample (and, with 4 slow replies at concurrency 1, before it is done).
      while (!exited && (watcher.getRun('stale')?.status !== 'running' || stored(watcher, 'stale') < 1))
        await sleep(20);
      expect(watcher.requireRun('stale').owner).toMatchObject({ pid: first.child.pid });
      first.child.kill('SIGKILL');
      expect((await first.done).signal).toBe('SIGKILL');

      // The killed session never indexed its rows for search: a read-only reader still finds every stored one.
      const runId = watcher.requireRun('stale').id;
      const storedBefore = watcher.countSamples(runId);
      expect(storedBefore).toBeGreaterThanOrEqual(1);
      expect(unindexed(watcher)).toBe(storedBefore);
      {
        using reader = openStore(file, { readonly: true });
        expect(searchCount(reader, runId)).toBe(storedBefore);
      }

      const list = await spawnCli(['runs', 'list', '--store', file, '--json']).done;
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toMatchObject([
        { name: 'stale', status: 'interrupted', owner: { pid: first.child.pid } },
      ]);

      const again = spawnCli(args);
      const end = await again.done;
      expect(end.code, end.stderr).toBe(0);
      expect(JSON.parse(end.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
        status: 'completed',
        done: 4,
      });
      expect(watcher.requireRun('stale')).toMatchObject({
        status: 'completed',
        owner: { pid: again.child.pid },
      });
      // The re-run indexed what the killed one left and its own rows, each once.
      expect(unindexed(watcher)).toBe(0);
      expect(searchCount(watcher, runId)).toBe(4);
      expect(
        watcher.db
          .prepare('SELECT count(*) FROM samples_fts WHERE samples_fts MATCH ?')
          .pluck()
          .get('"what"*'),
      ).toBe(4);
    } finally {
      watcher.close();
      await server.close();
    }
  }, 60_000);

  it('kill -9 three times, re-run each time: exactly N×K samples, no duplicates, integrity ok', async () => {
    await crashAndResume(3, 40, 2);
  }, 120_000);

  it('kill -9 three times with the sample write thread on: exactly N×K samples, no duplicates, integrity ok', async () => {
    await crashAndResume(3, 40, 2, ['--writer-thread', 'on']);
  }, 120_000);

  it.runIf(slow)(
    'kill -9 ten times (slow suite)',
    async () => {
      await crashAndResume(10, 100, 2);
    },
    600_000,
  );
});
