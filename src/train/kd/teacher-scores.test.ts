import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeModel } from '../../runtime/native-model.ts';
import { scoreSequences } from '../../runtime/score.ts';
import { scoreDataset } from './teacher-scores.ts';

const TEACHER = fileURLToPath(new URL('../../../models/distill-teacher-q8_0.gguf', import.meta.url));

/** The teacher's top-K for every token of a tokenised dataset, aligned token by token and cached. */
describe('scoreDataset (shipped teacher)', () => {
  let dir: string;
  let docs: number[][];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-scores-'));
    const model = NativeModel.load(TEACHER);
    try {
      docs = ['What is 12 + 30?', 'Reverse the word cat.', '<think>\n7 + 5 = 12\n</think>'].map((t) =>
        model.tokenize(t),
      );
    } finally {
      model.free();
    }
    const data = join(dir, 'data');
    mkdirSync(data);
    const flat = docs.flat();
    writeFileSync(join(data, 'tokens.bin'), Buffer.from(Int32Array.from(flat).buffer));
    const offsets = new BigInt64Array(docs.length + 1);
    docs.forEach((d, i) => {
      offsets[i + 1] = (offsets[i] as bigint) + BigInt(d.length);
    });
    writeFileSync(join(data, 'offsets.bin'), Buffer.from(offsets.buffer));
    writeFileSync(
      join(data, 'meta.json'),
      JSON.stringify({ version: 1, nDocs: docs.length, nTokens: flat.length, sha256: 'd'.repeat(64) }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, per token, the teacher top-K for that token given its document prefix, and reuses it', async () => {
    const out = join(dir, 'scores');
    const k = 5;
    const first = await scoreDataset({
      teacher: TEACHER,
      dataDir: join(dir, 'data'),
      outDir: out,
      topK: k,
      docsPerCall: 2,
    });
    expect(first.cached).toBe(false);
    expect(first.meta.teacherSha256).toMatch(/^[0-9a-f]{64}$/);
    const ids = new Int32Array(Uint8Array.from(readFileSync(join(out, 'ids.bin'))).buffer);
    const lps = new Float32Array(Uint8Array.from(readFileSync(join(out, 'logprobs.bin'))).buffer);
    expect(ids.length).toBe(docs.flat().length * k);
    // The same numbers as scoring each document alone through the runtime.
    const model = NativeModel.load(TEACHER);
    let at = 0;
    try {
      for (const doc of docs) {
        const [alone] = await scoreSequences(model, [doc], { topK: k });
        expect(Array.from(ids.subarray(at * k, at * k + k))).toEqual(Array(k).fill(-1)); // first token: no prefix
        for (const p of alone ?? []) {
          const row = (at + p.index) * k;
          expect(Array.from(ids.subarray(row, row + k))).toEqual(p.top.map((t) => t.token));
          p.top.forEach((t, j) => {
            expect(lps[row + j] as number).toBeCloseTo(t.logprob, 4);
          });
        }
        at += doc.length;
      }
    } finally {
      model.free();
    }
    const again = await scoreDataset({ teacher: TEACHER, dataDir: join(dir, 'data'), outDir: out, topK: k });
    expect(again.cached).toBe(true);
    const otherK = await scoreDataset({ teacher: TEACHER, dataDir: join(dir, 'data'), outDir: out, topK: 3 });
    expect(otherK.cached).toBe(false);
  });
});
