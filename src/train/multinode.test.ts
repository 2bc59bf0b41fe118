import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initModel } from './init-model.ts';
import { writeAdditionRows } from './testing/addition-rows.ts';
import { type TrainResult, trainModel } from './train-model.ts';
import type { TrainOptionsInput } from './train-options.ts';
import type { WorkerEvent } from './worker-events.ts';

/** A port that was free a moment ago on 127.0.0.1 (the loopback rendezvous of the two "nodes"). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Node {
  result: PromiseSettledResult<TrainResult>;
  events: WorkerEvent[];
}

/**
 * 2 ranks as 2 "nodes" on localhost, gloo on CPU: two `distill train` runs (two torchrun processes with
 * `--nnodes 2`, node ranks 0 and 1, one c10d rendezvous on 127.0.0.1), DDP and FSDP, against one plain rank;
 * then a rank killed hard mid-run, and the resume — DDP on the same 2 nodes, FSDP on a different rank count.
 */
describe.runIf(process.env.DISTILL_SLOW === '1')('multi-node training (2 CPU nodes, gloo)', () => {
  let dir: string;
  let common: TrainOptionsInput;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-multinode-'));
    await writeAdditionRows(join(dir, 'data.jsonl'), 60);
    await initModel({ preset: 'nano', out: join(dir, 'base.gguf'), seed: 1 });
    common = {
      data: join(dir, 'data.jsonl'),
      base: join(dir, 'base.gguf'),
      out: '',
      maxSteps: 8,
      seqLen: 128,
      batchTokens: 1024,
      lr: 3e-3,
      threads: 1,
      evalFraction: 0.1,
      checkpointEvery: 2,
    };
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const one = (name: string, extra: Partial<TrainOptionsInput> = {}): Promise<TrainResult> =>
    trainModel({ ...common, out: join(dir, name, 'model.gguf'), ...extra });

  /** Both nodes of one run; `onEvent(node, event)` sees every event of each node's leader. */
  async function twoNodes(
    name: string,
    extra: Partial<TrainOptionsInput>,
    onEvent?: (node: number, e: WorkerEvent) => void,
  ): Promise<Node[]> {
    const rdzv = `127.0.0.1:${await freePort()}`;
    const events: WorkerEvent[][] = [[], []];
    const runs = [0, 1].map((nodeRank) =>
      trainModel(
        { ...common, out: join(dir, name, 'model.gguf'), nnodes: 2, nodeRank, rdzv, ...extra },
        {
          onEvent: (e) => {
            events[nodeRank]?.push(e);
            onEvent?.(nodeRank, e);
          },
        },
      ),
    );
    const settled = await Promise.allSettled(runs);
    return settled.map((result, i) => ({ result, events: events[i] ?? [] }));
  }

  const ok = (n: Node | undefined): TrainResult => {
    if (n?.result.status !== 'fulfilled')
      throw new Error(`node failed: ${String(n?.result.status === 'rejected' ? n.result.reason : n)}`);
    return n.result.value;
  };

  let single: TrainResult;
  let fsdpLoss = Number.NaN;
  let ddpLoss = Number.NaN;

  it('DDP and FSDP over 2 nodes reach the 1-rank loss; node 0 alone writes the GGUF', {
    timeout: 900_000,
  }, async () => {
    single = await one('single');
    expect(single.loss).not.toBeNull();
    for (const fsdp of [false, true]) {
      const name = fsdp ? 'fsdp' : 'ddp';
      const [n0, n1] = await twoNodes(name, { fsdp });
      const r0 = ok(n0);
      const r1 = ok(n1);
      expect(r0.written).toBe(true);
      expect(r1.written).toBe(false);
      expect((await readdir(join(dir, name))).filter((f) => f.endsWith('.gguf'))).toEqual(['model.gguf']);
      const start = n0?.events.find((e) => e.type === 'start');
      expect(start).toMatchObject({ world: 2, fsdp });
      expect(Math.abs((r0.loss ?? 0) - (single.loss ?? 0))).toBeLessThan(1e-4);
      expect(r1.loss).toBeCloseTo(r0.loss ?? 0, 6);
      const ckpts = await readdir(join(dir, name, 'model.run', 'checkpoints'));
      expect(ckpts.some((f) => f.endsWith(fsdp ? '.dcp' : '.pt'))).toBe(true);
      if (fsdp) fsdpLoss = r0.loss ?? Number.NaN;
      else ddpLoss = r0.loss ?? Number.NaN;
      console.info(`2 nodes ${name}: final loss ${r0.loss} vs 1 rank ${single.loss}`);
    }
    // node 1's own files stay in node-1/, apart from node 0's
    expect(existsSync(join(dir, 'ddp', 'model.run', 'node-1', 'metrics.jsonl'))).toBe(true);
  });

  /** Kill node 1's worker (a PID this test started, via its torchrun) right after the first checkpoint. */
  async function killedRun(name: string, extra: Partial<TrainOptionsInput>): Promise<Node[]> {
    let pid1: number | undefined;
    let killed = false;
    const nodes = await twoNodes(name, { ...extra, maxSteps: 8 }, (node, e) => {
      if (node === 1 && e.type === 'start') pid1 = Number(e.pid);
      if (node === 0 && e.type === 'checkpoint' && !killed && pid1) {
        killed = true;
        process.kill(pid1, 'SIGKILL');
      }
    });
    expect(killed).toBe(true);
    for (const n of nodes) expect(n.result.status).toBe('rejected');
    return nodes;
  }

  it('DDP: a rank killed mid-run, both nodes resume from the checkpoint', { timeout: 900_000 }, async () => {
    await killedRun('ddp-killed', {});
    const [n0] = await twoNodes('ddp-killed', { resume: true });
    const r0 = ok(n0);
    const resumed = n0?.events.find((e) => e.type === 'resumed');
    expect(Number(resumed?.step)).toBeGreaterThanOrEqual(2);
    expect(Number(resumed?.step)).toBeLessThan(8);
    expect(r0.written).toBe(true);
    console.info(
      `DDP resumed from step ${String(resumed?.step)}: final loss ${r0.loss} vs ${ddpLoss} uninterrupted`,
    );
    expect(Math.abs((r0.loss ?? 0) - ddpLoss)).toBeLessThan(1e-4);
  });

  it('FSDP: a rank killed mid-run, resumed on 1 rank from the sharded checkpoint', {
    timeout: 900_000,
  }, async () => {
    await killedRun('fsdp-killed', { fsdp: true });
    const events: WorkerEvent[] = [];
    const r = await trainModel(
      { ...common, out: join(dir, 'fsdp-killed', 'model.gguf'), fsdp: true, resume: true },
      { onEvent: (e) => events.push(e) },
    );
    const resumed = events.find((e) => e.type === 'resumed');
    expect(resumed).toMatchObject({ world: 1 });
    expect(String(resumed?.checkpoint)).toMatch(/step-\d{8}\.dcp$/);
    expect(Number(resumed?.step)).toBeGreaterThanOrEqual(2);
    expect(r.written).toBe(true);
    console.info(
      `FSDP 2 ranks → 1 rank from step ${String(resumed?.step)}: final loss ${r.loss} vs ${fsdpLoss}`,
    );
    expect(Math.abs((r.loss ?? 0) - fsdpLoss)).toBeLessThan(1e-4);
  });
});
