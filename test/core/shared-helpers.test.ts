import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config.ts';
import { fileSha256, sha256 } from '../../src/core/hash.ts';
import { PriceSchema } from '../../src/core/price.ts';
import { resolveEvalSets } from '../../src/curate/eval-sets.ts';
import { SHIPPED_DATASET_NAMES, SHIPPED_DATASETS } from '../../src/tasks/datasets/shipped.ts';
import { EVAL_SET_NAMES, isEvalSetName } from '../../src/tasks/eval-sets.ts';
import { parseTaskSpec } from '../../src/tasks/spec.ts';
import { lookupPrice } from '../../src/teachers/prices.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distill-shared-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fileSha256 (one streamed file hash for weights, exports and teachers)', () => {
  it('equals the SHA-256 of the bytes, across read chunks', async () => {
    const bytes = Buffer.alloc(200_000, 7);
    bytes.write('distill', 123_456);
    const file = join(dir, 'w.bin');
    await writeFile(file, bytes);
    expect(await fileSha256(file)).toBe(sha256(bytes));
  });

  it('stops when aborted', async () => {
    const file = join(dir, 'a.bin');
    await writeFile(file, 'x');
    await expect(fileSha256(file, AbortSignal.abort())).rejects.toThrow(/abort/i);
  });
});

describe('eval-set names (one list, in src/tasks)', () => {
  it('curate resolves exactly the tasks layer names by name and anything else as a file', async () => {
    const asked: string[] = [];
    const sets = await resolveEvalSets(EVAL_SET_NAMES, (name) => {
      asked.push(name);
      return [{ id: '0', text: name }];
    });
    expect(asked).toEqual([...EVAL_SET_NAMES]);
    expect(sets.map((s) => s.name)).toEqual([...EVAL_SET_NAMES]);
    expect(isEvalSetName('gsm8k')).toBe(true);
    expect(isEvalSetName('gsm8k.jsonl')).toBe(false);
    await expect(resolveEvalSets(['gsm8k.jsonl'], () => [])).rejects.toMatchObject({
      hint: expect.stringContaining(EVAL_SET_NAMES.join(', ')),
    });
  });
});

describe('price schema (one, in src/core)', () => {
  it('validates config overrides the way lookupPrice uses them', () => {
    const config = ConfigSchema.parse({ prices: { 'deepseek:deepseek-reasoner': { input: 1, output: 2 } } });
    const price = lookupPrice(
      {
        uri: 'deepseek:deepseek-reasoner',
        provider: 'deepseek',
        modelId: 'deepseek-reasoner',
        access: 'api',
      },
      config.prices,
    );
    expect(price).toEqual({ input: 1, output: 2 });
    expect(PriceSchema.safeParse(price).success).toBe(true);
    expect(ConfigSchema.safeParse({ prices: { x: { input: 1, output: 2, reasoning: -1 } } }).success).toBe(
      false,
    );
    expect(ConfigSchema.safeParse({ prices: { x: { input: 1 } } }).success).toBe(false);
  });
});

describe('shipped dataset names (one list, in src/tasks/datasets/shipped.ts)', () => {
  it('every shipped slice is a task spec and has its files; other names are not', () => {
    expect(Object.keys(SHIPPED_DATASETS).sort()).toEqual([...SHIPPED_DATASET_NAMES].sort());
    for (const name of SHIPPED_DATASET_NAMES)
      expect(parseTaskSpec(`${name}:2`).entries[0]).toMatchObject({
        kind: 'shipped',
        dataset: name,
        count: 2,
      });
    expect(() => parseTaskSpec('gsm9k:2')).toThrow();
  });
});
