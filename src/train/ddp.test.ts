import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAssistantWithThinking } from '../core/chat-format.ts';
import { initModel } from './init-model.ts';
import { trainModel } from './train-model.ts';
import type { WorkerEvent } from './worker-events.ts';

/** 2 CPU ranks under torchrun (gloo) follow the same loss curve as 1 rank with the same global batch. */
describe.runIf(process.env.DISTILL_SLOW === '1')('DDP with 2 CPU ranks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-ddp-'));
    const rows = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What is ${i} + ${i % 7}?` },
          {
            role: 'assistant',
            content: formatAssistantWithThinking(
              `${i} + ${i % 7} = ${i + (i % 7)}.`,
              `\\boxed{${i + (i % 7)}}`,
            ),
          },
        ],
      }),
    );
    await writeFile(join(dir, 'data.jsonl'), `${rows.join('\n')}\n`);
    await initModel({ preset: 'nano', out: join(dir, 'base.gguf'), seed: 1 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('matches the 1-rank loss trend and writes one GGUF', { timeout: 600_000 }, async () => {
    const losses: Record<number, number[]> = { 1: [], 2: [] };
    for (const nproc of [1, 2]) {
      const events: WorkerEvent[] = [];
      await trainModel(
        {
          data: join(dir, 'data.jsonl'),
          base: join(dir, 'base.gguf'),
          out: join(dir, `out${nproc}`, 'model.gguf'),
          maxSteps: 8,
          seqLen: 64,
          batchTokens: 1024,
          lr: 3e-3,
          threads: 1,
          nproc,
        },
        { onEvent: (e) => events.push(e) },
      );
      losses[nproc] = events.filter((e) => e.type === 'done').map((e) => Number(e.loss));
      expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'start')).toHaveLength(1);
      expect((await readdir(join(dir, `out${nproc}`))).filter((f) => f.endsWith('.gguf'))).toEqual([
        'model.gguf',
      ]);
    }
    const [one] = losses[1] ?? [];
    const [two] = losses[2] ?? [];
    expect(one).toBeLessThan(5);
    expect(Math.abs((one ?? 0) - (two ?? 0))).toBeLessThan(0.01);
  });
});
