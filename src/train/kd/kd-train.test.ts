import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAssistantWithThinking } from '../../core/chat-format.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { describeModel } from '../../runtime/model-info.ts';
import { trainModel } from '../train-model.ts';
import type { WorkerEvent } from '../worker-events.ts';
import { requireSameVocab, vocabHash } from './vocab-hash.ts';

const TEACHER = fileURLToPath(new URL('../../../models/distill-teacher-q8_0.gguf', import.meta.url));

/** `distill train --kd forward-kl`: the shipped teacher scores the tokenised data, a pico student trains on it. */
describe.runIf(process.env.DISTILL_SLOW === '1')(
  'logit-level distillation end to end (shipped teacher, pico student)',
  () => {
    let dir: string;
    let data: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'distill-kd-'));
      data = join(dir, 'data.jsonl');
      const rows = Array.from({ length: 24 }, (_, i) => {
        const a = 10 + i;
        const b = 3 + ((i * 7) % 20);
        return JSON.stringify({
          messages: [
            { role: 'user', content: `What is ${a} + ${b}?` },
            {
              role: 'assistant',
              content: formatAssistantWithThinking(`${a} + ${b} = ${a + b}.`, `\\boxed{${a + b}}`),
            },
          ],
        });
      });
      writeFileSync(data, `${rows.join('\n')}\n`);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('scores with the teacher, trains with forward KL, records the mode and the teacher SHA, and caches the scores', {
      timeout: 1_200_000, // two trainings (worker start, scoring) on a loaded 2-core box
    }, async () => {
      const events: WorkerEvent[] = [];
      const opts = {
        data,
        preset: 'pico',
        out: join(dir, 'kd.gguf'),
        maxSteps: 3,
        batchTokens: 512,
        seqLen: 128,
        threads: 1,
        seed: 3,
        kd: 'forward-kl' as const,
        kdTeacher: TEACHER,
        kdTopK: 8,
        kdAlpha: 0.7,
        kdTemperature: 2,
        store: join(dir, 'distill.sqlite'),
      };
      const res = await trainModel(opts, { onEvent: (e) => events.push(e) });
      expect(res.steps).toBe(3);
      expect(events.find((e) => e.type === 'scored')).toMatchObject({ cached: false, topK: 8 });
      const scores = join(res.runDir, 'teacher-scores');
      const nTokens = (
        JSON.parse(readFileSync(join(res.runDir, 'data', 'meta.json'), 'utf8')) as { nTokens: number }
      ).nTokens;
      expect(readFileSync(join(scores, 'ids.bin')).length).toBe(nTokens * 8 * 4);
      const meta = describeModel(res.out).provenance;
      expect(meta['distill.kd']).toBe('forward-kl');
      expect(meta['distill.kd_teacher_sha256']).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(meta['distill.kd_alpha'])).toBeCloseTo(0.7, 5);
      expect(Number(meta['distill.kd_temperature'])).toBe(2);
      expect(Number(meta['distill.kd_top_k'])).toBe(8);

      // Another run (its own run folder) over the same data: the store has every score, nothing is scored.
      const again: WorkerEvent[] = [];
      await trainModel({ ...opts, out: join(dir, 'kd2.gguf') }, { onEvent: (e) => again.push(e) });
      expect(again.find((e) => e.type === 'scored')).toMatchObject({ cached: true, scoredDocs: 0 });
    });
  },
);

describe('the same-tokenizer check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-kd-vocab-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a teacher with another vocabulary, pointing at --kd sft', () => {
    // The same model with one token renamed (same byte length, so the GGUF stays valid): another tokenizer.
    const bytes = readFileSync(TEACHER);
    const other = join(dir, 'other-vocab.gguf');
    writeFileSync(other, Buffer.from(bytes.toString('latin1').replaceAll('<think>', '<thonk>'), 'latin1'));
    expect(vocabHash(other).sha256).not.toBe(vocabHash(TEACHER).sha256);
    expect(() => requireSameVocab(TEACHER, TEACHER, 'forward-kl')).not.toThrow();
    let err: unknown;
    try {
      requireSameVocab(TEACHER, other, 'forward-kl');
    } catch (e) {
      err = e;
    }
    expect(InvalidInputError.isInstance(err)).toBe(true);
    expect((err as InvalidInputError).hint).toMatch(/--kd sft/);
  });
});

/** `distill train --kd on-policy`: the student samples through the runtime, the teacher scores, reverse KL trains. */
describe.runIf(process.env.DISTILL_SLOW === '1')('on-policy distillation end to end (tiny)', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-onpolicy-'));
    data = join(dir, 'data.jsonl');
    const rows = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What is ${20 + i} + ${5 + i}?` },
          {
            role: 'assistant',
            content: formatAssistantWithThinking(
              `${20 + i} + ${5 + i} = ${25 + 2 * i}.`,
              `\\boxed{${25 + 2 * i}}`,
            ),
          },
        ],
      }),
    );
    writeFileSync(data, `${rows.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs two sample → score → train rounds and records on-policy settings', {
    timeout: 600_000,
  }, async () => {
    const events: WorkerEvent[] = [];
    const res = await trainModel(
      {
        data,
        preset: 'pico',
        out: join(dir, 'op.gguf'),
        maxSteps: 4,
        batchTokens: 512,
        seqLen: 128,
        threads: 1,
        seed: 2,
        kd: 'on-policy',
        kdTeacher: TEACHER,
        kdTopK: 8,
        kdRoundSteps: 2,
        kdRoundPrompts: 8,
        kdMaxTokens: 48,
        kdLambda: 0.5,
        store: join(dir, 'distill.sqlite'),
      },
      { onEvent: (e) => events.push(e) },
    );
    expect(res.steps).toBe(4);
    const rounds = events.filter((e) => e.type === 'on-policy-round');
    expect(rounds.map((r) => r.round)).toEqual([1, 2]);
    // Round 2 samples from round 1's student; some rows are the student's own samples.
    expect(String(rounds[1]?.student)).toMatch(/round-1[/\\]student\.gguf$/);
    expect(rounds.some((r) => Number(r.onPolicyRows) > 0)).toBe(true);
    expect(events.filter((e) => e.type === 'scored')).toHaveLength(2);
    // One run, not two: round 2 starts from round 1's AdamW state and continues its LR schedule.
    expect(events.filter((e) => e.type === 'optimizer-carried').map((e) => e.steps)).toEqual([2]);
    const starts = events.filter((e) => e.type === 'start');
    expect(starts).toHaveLength(2);
    expect(existsSync(join(res.runDir, 'round-2', 'optimizer.pt'))).toBe(true);
    const meta = describeModel(res.out).provenance;
    expect(meta['distill.kd']).toBe('on-policy');
    expect(Number(meta['distill.kd_beta'])).toBe(1);
    expect(Number(meta['distill.kd_lambda'])).toBeCloseTo(0.5, 5);
    expect(meta['distill.kd_teacher_sha256']).toMatch(/^[0-9a-f]{64}$/);
  });
});
