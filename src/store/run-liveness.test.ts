import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function fresh(): Store {
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'distill-live-')), 'store.sqlite'));
  stores.push(store);
  return store;
}

/** Pretend another process (or machine) owns the run: what a crashed writer leaves behind. */
function setOwner(store: Store, runId: string, pid: number, host: string, heartbeatAt: string): void {
  store.db
    .prepare('UPDATE runs SET owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE id = ?')
    .run(pid, host, heartbeatAt, runId);
}

describe('run liveness', () => {
  it('setting running records this process as owner with a heartbeat; heartbeat refreshes it', async () => {
    const store = fresh();
    const run = store.createRun({ name: 'g', kind: 'generate' });
    const running = store.updateRun(run.id, { status: 'running' });
    expect(running).toMatchObject({ status: 'running', owner: { pid: process.pid, host: hostname() } });
    const first = running.owner!.heartbeatAt;
    await new Promise((r) => setTimeout(r, 5));
    store.heartbeat(run.id);
    expect(Date.parse(store.requireRun('g').owner!.heartbeatAt)).toBeGreaterThan(Date.parse(first));
  });

  it('running with a dead pid on this host reads as interrupted (list, get, report); the row is unchanged', () => {
    const store = fresh();
    const run = store.createRun({ name: 'g', kind: 'generate' });
    store.updateRun(run.id, { status: 'running' });
    setOwner(store, run.id, 2 ** 22 + 12345, hostname(), new Date().toISOString()); // above pid_max: never alive
    expect(store.requireRun('g').status).toBe('interrupted');
    expect(store.listRuns({ status: 'interrupted' }).map((r) => r.name)).toEqual(['g']);
    expect(store.listRuns({ status: 'running' })).toEqual([]);
    expect(store.runReport('g').status).toBe('interrupted');
    expect(store.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run.id)).toBe('running');
  });

  it('another host: alive while the heartbeat is fresh, interrupted once it is older than a minute', () => {
    const store = fresh();
    const run = store.createRun({ name: 'g', kind: 'generate' });
    store.updateRun(run.id, { status: 'running' });
    setOwner(store, run.id, 1, 'elsewhere', new Date().toISOString());
    expect(store.requireRun('g').status).toBe('running');
    setOwner(store, run.id, 1, 'elsewhere', new Date(Date.now() - 61_000).toISOString());
    expect(store.requireRun('g').status).toBe('interrupted');
    // A summary-only update by anyone keeps the stored status: a guess is never written back.
    store.updateRun(run.id, { summary: { note: 1 } });
    expect(store.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run.id)).toBe('running');
    // Resuming takes ownership again.
    expect(store.updateRun(run.id, { status: 'running' })).toMatchObject({
      status: 'running',
      owner: { pid: process.pid, host: hostname() },
    });
  });

  it('a running row from before owners were recorded is judged by its last update', () => {
    const store = fresh();
    const run = store.createRun({ name: 'old', kind: 'generate', status: 'running' });
    expect(store.requireRun('old')).toMatchObject({ status: 'running', owner: null });
    store.db
      .prepare('UPDATE runs SET updated_at = ? WHERE id = ?')
      .run(new Date(Date.now() - 120_000).toISOString(), run.id);
    expect(store.requireRun('old').status).toBe('interrupted');
  });
});
