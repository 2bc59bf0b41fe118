import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeModel } from '../../runtime/native-model.ts';
import { scoreSequences } from '../../runtime/score.ts';
import { openStore } from '../../store/open-store.ts';
import { countTeacherScores } from '../../store/teacher-score-queries.ts';
import { LocalTeacherScorer } from './local-teacher-scorer.ts';
import type { TeacherScorer } from './teacher-scorer.ts';
import { scoreDataset } from './teacher-scores.ts';
import { writeTokenisedData } from './testing/scores-fixture.ts';

const TEACHER = fileURLToPath(new URL('../../../models/distill-teacher-q8_0.gguf', import.meta.url));

/** The real local scorer, counting the sequences it is asked to score. */
function counting(inner: TeacherScorer): TeacherScorer & { sequences: number } {
  const c = {
    sequences: 0,
    sha256: inner.sha256,
    label: inner.label,
    score: (seqs: number[][], k: number) => {
      c.sequences += seqs.length;
      return inner.score(seqs, k);
    },
    requireSameTokenizer: (s: string, m: string) => inner.requireSameTokenizer(s, m),
    close: () => inner.close(),
  };
  return c;
}

/** The teacher's top-K for every token of a tokenised dataset, aligned token by token and cached in the store. */
describe('scoreDataset (shipped teacher)', () => {
  let dir: string;
  let docs: number[][];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-scores-'));
    docs = writeTokenisedData(TEACHER, join(dir, 'data'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, per token, the teacher top-K for that token given its document prefix', async () => {
    const out = join(dir, 'scores');
    const k = 5;
    const scorer = await LocalTeacherScorer.open(TEACHER);
    const first = await scoreDataset({
      scorer,
      dataDir: join(dir, 'data'),
      outDir: out,
      topK: k,
      docsPerCall: 4,
    });
    await scorer.close();
    expect(first.cached).toBe(false);
    expect(first.scoredDocs).toBe(3); // four documents, one of them twice
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
  });

  it('caches in the store by (teacher, sequence, K): a second run with the same data scores nothing', async () => {
    const store = openStore(join(dir, 'distill.sqlite'));
    try {
      const scorer = counting(await LocalTeacherScorer.open(TEACHER));
      const run = (outDir: string, topK: number) =>
        scoreDataset({ scorer, store, dataDir: join(dir, 'data'), outDir: join(dir, outDir), topK });
      const first = await run('a', 4);
      expect(first).toMatchObject({ cached: false, scoredDocs: 3, cachedDocs: 0 });
      expect(scorer.sequences).toBe(3);
      expect(countTeacherScores(store.db, scorer.sha256)).toBe(3);

      const second = await run('b', 4); // another run folder: only the store is shared
      expect(second).toMatchObject({ cached: true, scoredDocs: 0, cachedDocs: 4 });
      expect(scorer.sequences).toBe(3);
      expect(readFileSync(join(dir, 'b', 'ids.bin'))).toEqual(readFileSync(join(dir, 'a', 'ids.bin')));
      expect(readFileSync(join(dir, 'b', 'logprobs.bin'))).toEqual(
        readFileSync(join(dir, 'a', 'logprobs.bin')),
      );

      const otherK = await run('c', 3);
      expect(otherK.cached).toBe(false);
      expect(scorer.sequences).toBe(6);
      await scorer.close();
    } finally {
      store.close();
    }
  });
});
