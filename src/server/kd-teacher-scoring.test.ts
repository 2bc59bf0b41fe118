import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { type LocalModel, loadModel } from '../runtime/local-model.ts';
import { openStore } from '../store/open-store.ts';
import { HttpTeacherScorer } from '../train/kd/http-teacher-scorer.ts';
import { LocalTeacherScorer } from '../train/kd/local-teacher-scorer.ts';
import { openTeacherScorer } from '../train/kd/teacher-scorer.ts';
import { scoreDataset } from '../train/kd/teacher-scores.ts';
import { SCORE_TEXTS, writeTokenisedData } from '../train/kd/testing/scores-fixture.ts';
import { createServer } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';

const TEACHER = fileURLToPath(new URL('../../models/distill-teacher-q8_0.gguf', import.meta.url));

/** `--kd-teacher openai-compatible:…`: a real `distill serve` on loopback scores token ids exactly as the runtime. */
describe('teacher scoring over HTTP (distill serve, shipped teacher)', () => {
  let dir: string;
  let model: LocalModel;
  let server: RunningServer;
  let uri: string;
  const requests: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-http-scores-'));
    model = await loadModel(TEACHER, { slots: 4, contextPerSequence: 512 });
    const registry = new ModelRegistry({ concurrency: 4 });
    registry.add('teacher', model);
    server = await listen(createServer({ registry, webRoot: false, log: (l) => requests.push(l) }).app, {
      port: 0,
    });
    uri = `openai-compatible:${server.url}/v1#teacher`;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('names tokens token_id:N with return_tokens_as_token_ids', async () => {
    const ids = model.tokenize('What is 2 + 2?');
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'teacher',
        prompt: ids,
        max_tokens: 0,
        echo: true,
        logprobs: 3,
        return_tokens_as_token_ids: true,
      }),
    });
    const body = (await res.json()) as {
      choices: { logprobs: { tokens: string[]; top_logprobs: (Record<string, number> | null)[] } }[];
    };
    const lp = body.choices[0]?.logprobs;
    expect(lp?.tokens).toEqual(ids.map((t) => `token_id:${t}`));
    expect(lp?.top_logprobs[0]).toBeNull();
    expect(Object.keys(lp?.top_logprobs[1] ?? {})).toHaveLength(3);
    for (const k of Object.keys(lp?.top_logprobs[1] ?? {})) expect(k).toMatch(/^token_id:\d+$/);
  });

  it('gives the local runtime scores: the same top-K ids, logprobs within 1e-4', async () => {
    const local = await LocalTeacherScorer.open(TEACHER);
    const http = await openTeacherScorer(uri);
    expect(http).toBeInstanceOf(HttpTeacherScorer);
    const seqs = SCORE_TEXTS.map((t) => model.tokenize(t));
    const k = 20;
    const a = await local.score(seqs, k);
    const b = await http.score(seqs, k);
    await local.close();
    expect(b.map((s) => s.length)).toEqual(a.map((s) => s.length));
    let positions = 0;
    a.forEach((scored, i) => {
      scored.forEach((p, j) => {
        const q = b[i]?.[j];
        expect(q?.index).toBe(p.index);
        expect(q?.top.map((t) => t.token)).toEqual(p.top.map((t) => t.token));
        p.top.forEach((t, n) => {
          expect(Math.abs((q?.top[n]?.logprob ?? Number.NaN) - t.logprob)).toBeLessThan(1e-4);
        });
        positions += 1;
      });
    });
    expect(positions).toBeGreaterThan(30);
  });

  it('checks the tokenizer by a probe tokenisation: same vocabulary passes, another fails pointing at --kd sft', async () => {
    const http = await openTeacherScorer(uri);
    await expect(http.requireSameTokenizer(TEACHER, 'forward-kl')).resolves.toBeUndefined();
    // The same model with one special token renamed: '<think>' in the probe now tokenises differently.
    const other = join(dir, 'other-vocab.gguf');
    writeFileSync(
      other,
      Buffer.from(readFileSync(TEACHER).toString('latin1').replaceAll('<think>', '<thonk>'), 'latin1'),
    );
    let err: unknown;
    try {
      await http.requireSameTokenizer(other, 'forward-kl');
    } catch (e) {
      err = e;
    }
    expect(InvalidInputError.isInstance(err)).toBe(true);
    expect((err as InvalidInputError).message).toMatch(/share a tokenizer/);
    expect((err as InvalidInputError).hint).toMatch(/--kd sft/);
  });

  it('caches HTTP scores in the store: the second run sends no scoring request', async () => {
    writeTokenisedData(TEACHER, join(dir, 'data'));
    const store = openStore(join(dir, 'distill.sqlite'));
    try {
      const http = await openTeacherScorer(uri);
      const scoring = () => requests.filter((l) => l.startsWith('POST /v1/completions')).length;
      const before = scoring();
      const first = await scoreDataset({
        scorer: http,
        store,
        dataDir: join(dir, 'data'),
        outDir: join(dir, 's1'),
        topK: 5,
      });
      expect(first.scoredDocs).toBe(3);
      expect(scoring() - before).toBe(3);
      const second = await scoreDataset({
        scorer: http,
        store,
        dataDir: join(dir, 'data'),
        outDir: join(dir, 's2'),
        topK: 5,
      });
      expect(second).toMatchObject({ cached: true, scoredDocs: 0 });
      expect(scoring() - before).toBe(3);
    } finally {
      store.close();
    }
  });
});
