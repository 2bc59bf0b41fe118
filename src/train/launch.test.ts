import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { safeValidate } from '../core/validate.ts';
import { launchArgs } from './launch.ts';
import { TrainOptionsSchema } from './train-options.ts';

const BIN = fileURLToPath(new URL('../../bin/distill.mjs', import.meta.url));

describe('launchArgs: how the training worker starts', () => {
  it('runs one process as plain python and several on one node under torchrun --standalone', () => {
    expect(launchArgs(['train', '--config', 'c.json'])).toEqual({
      argv: ['-m', 'distill_trainer', 'train', '--config', 'c.json'],
      env: { DISTILL_NODE_RANK: '0' },
    });
    expect(launchArgs(['train'], { nproc: 4 }).argv).toEqual([
      '-m',
      'torch.distributed.run',
      '--standalone',
      '--nproc-per-node=4',
      '-m',
      'distill_trainer',
      'train',
    ]);
  });

  it('joins a c10d rendezvous over several nodes; node 0 hosts the store', () => {
    const n0 = launchArgs(['train'], { nproc: 8, nnodes: 2, nodeRank: 0, rdzv: '10.0.0.1:29400' });
    expect(n0.argv).toEqual([
      '-m',
      'torch.distributed.run',
      '--nnodes=2',
      '--nproc-per-node=8',
      '--rdzv-backend=c10d',
      '--rdzv-endpoint=10.0.0.1:29400',
      '--rdzv-id=distill',
      '--rdzv-conf=is_host=true',
      '--max-restarts=0',
      '-m',
      'distill_trainer',
      'train',
    ]);
    expect(n0.env).toEqual({ DISTILL_NODE_RANK: '0' });
    const n1 = launchArgs(['train'], { nproc: 8, nnodes: 2, nodeRank: 1, rdzv: '10.0.0.1:29400' });
    expect(n1.argv).toContain('--rdzv-conf=is_host=false');
    expect(n1.env).toEqual({ DISTILL_NODE_RANK: '1' });
  });
});

describe('train options: multi-node and FSDP', () => {
  const base = { data: 'd.jsonl', out: 'o.gguf', preset: 'nano' };
  const check = (extra: Record<string, unknown>): string | undefined => {
    const r = safeValidate(TrainOptionsSchema, { ...base, ...extra }, 'train options');
    return r.success ? undefined : r.error.message;
  };

  it('accepts a full 2-node FSDP set-up', () => {
    expect(
      check({ nproc: 8, nnodes: 2, nodeRank: 1, rdzv: 'node0.cluster:29400', fsdp: true }),
    ).toBeUndefined();
    expect(check({ nnodes: 2, rdzv: '[fe80::1]:29400' })).toBeUndefined();
  });

  it.each([
    [{ nnodes: 2 }, /--nnodes > 1 needs --rdzv HOST:PORT/],
    [{ rdzv: '127.0.0.1:29400' }, /--rdzv is for runs over several nodes/],
    [{ nnodes: 2, nodeRank: 2, rdzv: 'h:1' }, /--node-rank must be 0 … nnodes-1/],
    [{ nnodes: 2, rdzv: 'h' }, /use HOST:PORT/],
    [{ nnodes: 2, rdzv: 'h:70000' }, /port must be 1 … 65535/],
    [{ fsdp: true, loraRank: 8 }, /--fsdp shards full fine-tuning/],
    [{ nnodes: 2, rdzv: 'h:1', kd: 'on-policy', kdTeacher: 't.gguf' }, /on-policy samples on one machine/],
    [{ nodeRank: -1 }, /nodeRank/],
  ])('refuses %j', (extra, message) => {
    expect(check(extra)).toMatch(message);
  });

  it('distill train exits 2 with the reason before any work', () => {
    const run = spawnSync(
      process.execPath,
      [BIN, 'train', '--data', 'nowhere.jsonl', '--preset', 'nano', '--out', 'x.gguf', '--nnodes', '2'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr + run.stdout).toMatch(/--nnodes > 1 needs --rdzv HOST:PORT/);
  });
});
