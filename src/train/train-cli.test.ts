import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAssistantWithThinking } from '../core/chat-format.ts';
import { openStore } from '../store/open-store.ts';
import { getTrainRun } from '../store/train-queries.ts';
import { initModel } from './init-model.ts';

const BIN = fileURLToPath(new URL('../../bin/distill.mjs', import.meta.url));
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `distill train --base … --quantize q8_0`: provenance in the output, a quantized copy from the same command. */
describe('distill train: provenance and --quantize', () => {
  let dir: string;
  let base: string;
  let data: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-train-cli-'));
    base = join(dir, 'base.gguf');
    await initModel({ preset: 'pico', out: base, seed: 2 });
    data = join(dir, 'data.jsonl');
    const row = (a: number): string =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What is ${a} + 1?` },
          { role: 'assistant', content: formatAssistantWithThinking(`${a} + 1 = ${a + 1}.`, `${a + 1}`) },
        ],
      });
    await writeFile(data, `${Array.from({ length: 8 }, (_, i) => row(i + 10)).join('\n')}\n`);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes distill.* provenance and a q8_0 copy', { timeout: 300_000 }, async () => {
    const out = join(dir, 'student.gguf');
    const args = [BIN, 'train', '--data', data, '--base', base, '--out', out, '--max-steps', '1'];
    const run = spawnSync(
      process.execPath,
      [
        ...args,
        '--seq-len',
        '64',
        '--batch-tokens',
        '128',
        '--threads',
        '1',
        '--lora-rank',
        '2',
        '--quantize',
        'q8_0',
      ],
      { encoding: 'utf8', env: { ...process.env, DISTILL_STORE: join(dir, 'store.sqlite') } },
    );
    expect(run.status, run.stderr).toBe(0);
    // One "Tokenising data…" line, not one per worker event (a merge once printed it for every event).
    expect(run.stderr.match(/Tokenising data/g)).toHaveLength(1);
    // The run is in the store: kind train, completed, its run folder and steps (what the Studio charts).
    const store = openStore(join(dir, 'store.sqlite'), { readonly: true });
    try {
      const recorded = store.getRun(out)!;
      expect(recorded).toMatchObject({ kind: 'train', status: 'completed', summary: { steps: 1 } });
      expect(getTrainRun(store.db, recorded.id)).toMatchObject({
        outPath: out,
        runDir: join(dir, 'student.run'),
      });
    } finally {
      store.close();
    }
    expect(run.stderr).toMatch(/Memory estimate on cpu: .* MB of .* MB free/);
    expect(run.stderr).toMatch(/Loaded llama base \(F32 ×\d+/);
    // one phase line per phase, not one per worker event
    expect(run.stderr.match(/Tokenising data…/g) ?? []).toHaveLength(1);
    const info = await readGgufFileInfo(out, { readTensorInfo: false });
    const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(meta.general?.name).toBe('student');
    expect(meta.distill?.base_sha256).toBe(sha(base));
    expect(meta.distill?.dataset_sha256).toBe(sha(data));
    expect(meta.distill).toMatchObject({ trained_steps: 1n, lora_rank: 2n, lora_targets: 'attn,mlp' });
    const q = await readGgufFileInfo(join(dir, 'student-q8_0.gguf'), { readTensorInfo: false });
    expect((q.metadata as unknown as Record<string, Record<string, unknown>>).distill?.base_sha256).toBe(
      sha(base),
    );
  });

  it('refuses an unknown --quantize type before training', () => {
    const out = join(dir, 'never.gguf');
    const run = spawnSync(
      process.execPath,
      [BIN, 'train', '--data', data, '--base', base, '--out', out, '--quantize', 'q3_k'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr + run.stdout).toMatch(/--quantize must be q8_0 or q4_k_m/);
  });
});
