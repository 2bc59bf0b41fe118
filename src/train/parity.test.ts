import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStudentPrompt } from '../core/chat-format.ts';
import { initModel } from './init-model.ts';
import { writeAdditionRows } from './testing/addition-rows.ts';
import { llamaLogProbs, maxAbsDiff, torchLogProbs } from './testing/logit-parity.ts';
import { trainModel } from './train-model.ts';
import { ensureVenv } from './venv.ts';

/** The scalar keys and tensor shapes (GGUF ne order) of a GGUF, read by gguf-py in the trainer venv. */
async function ggufKeysAndTensors(
  path: string,
): Promise<{ keys: Record<string, unknown>; tensors: Record<string, number[]> }> {
  const venv = await ensureVenv();
  const script = `import gguf, json, sys
r = gguf.GGUFReader(sys.argv[1])
keys = {k: f.contents() for k, f in r.fields.items() if not k.startswith("GGUF.") and len(f.types) == 1}
print(json.dumps({"keys": keys, "tensors": {t.name: [int(x) for x in t.shape] for t in r.tensors}}))`;
  const res = spawnSync(venv.python, ['-c', script, path], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout);
}

describe('logit parity between PyTorch and llama.cpp after training', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-parity-'));
    data = join(dir, 'data.jsonl');
    await writeAdditionRows(data, 40);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // qwen2 (NEOX RoPE, biases, tied embeddings) is the slower second case: CI runs it with DISTILL_SLOW=1.
  // llama+lora: adapters on every projection, merged at export (the merged GGUF is what llama.cpp runs).
  const archs =
    process.env.DISTILL_SLOW === '1'
      ? (['llama', 'llama+lora', 'qwen2'] as const)
      : (['llama', 'llama+lora'] as const);
  for (const variant of archs) {
    const arch = variant === 'llama+lora' ? 'llama' : variant;
    const lora = variant === 'llama+lora' ? { loraRank: 4, lr: 3e-2 } : {};
    it(`${variant}: trained GGUF gives the same next-token log-probs (max abs diff < 1e-3)`, {
      timeout: 600_000,
    }, async () => {
      const base = join(dir, `${variant}-init.gguf`);
      await initModel({ preset: 'nano', out: base, seed: 5, arch });
      const out = join(dir, `${variant}-trained.gguf`);
      const res = await trainModel({
        data,
        base,
        out,
        maxSteps: 3,
        lr: 3e-3,
        batchTokens: 1024,
        seqLen: 64,
        threads: 1,
        ...lora,
      });
      expect(res.steps).toBe(3);
      const text = renderStudentPrompt([{ role: 'user', content: 'What is 47 + 38?' }]);
      const fromLlama = await llamaLogProbs(out, `${text}47 + 38 = 85.\n</think>\n\n`);
      const fromTorch = await torchLogProbs(out, fromLlama.tokens);
      expect(fromTorch).toHaveLength(fromLlama.tokens.length);
      const diff = maxAbsDiff(fromTorch, fromLlama.logProbs);
      expect(diff).toBeLessThan(1e-3);
      // training moved the weights: the untrained model disagrees far beyond the tolerance
      const untrained = await torchLogProbs(base, fromLlama.tokens);
      expect(maxAbsDiff(untrained, fromLlama.logProbs)).toBeGreaterThan(1e-2);
    });
  }

  it('llama+lora --lora-export adapter: base + adapter in llama.cpp gives the merged export’s log-probs', {
    timeout: 600_000,
  }, async () => {
    const base = join(dir, 'adapter-init.gguf');
    await initModel({ preset: 'nano', out: base, seed: 6 });
    const common = {
      data,
      base,
      maxSteps: 3,
      lr: 3e-2,
      batchTokens: 1024,
      seqLen: 64,
      threads: 1,
      loraRank: 4,
    };
    const merged = join(dir, 'merged.gguf');
    const adapter = join(dir, 'adapter.gguf');
    await trainModel({ ...common, out: merged });
    await trainModel({ ...common, out: adapter, loraExport: 'adapter' });
    const header = await ggufKeysAndTensors(adapter);
    expect(header.keys).toMatchObject({
      'general.type': 'adapter',
      'adapter.type': 'lora',
      'general.architecture': 'llama',
      'adapter.lora.alpha': 8,
    });
    // llama.cpp's shapes (ne): lora_a [in, rank], lora_b [rank, out]
    expect(header.tensors['blk.0.attn_q.weight.lora_a']?.[1]).toBe(4);
    expect(header.tensors['blk.0.ffn_up.weight.lora_b']?.[0]).toBe(4);
    const text = `${renderStudentPrompt([{ role: 'user', content: 'What is 47 + 38?' }])}47 + 38 = 85.\n</think>\n\n`;
    const fromMerged = await llamaLogProbs(merged, text);
    const withAdapter = await llamaLogProbs(base, text, { loraAdapter: adapter });
    expect(withAdapter.tokens).toEqual(fromMerged.tokens);
    expect(maxAbsDiff(withAdapter.logProbs, fromMerged.logProbs)).toBeLessThan(1e-3);
    // the adapter changes the base: without it the log-probs differ far beyond the tolerance
    const plain = await llamaLogProbs(base, text);
    expect(maxAbsDiff(plain.logProbs, fromMerged.logProbs)).toBeGreaterThan(1e-2);
  });
});
