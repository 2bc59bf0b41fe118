import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curationDecisions, getCuration } from '../store/curate-queries.ts';
import { curateRun } from './curate-run.ts';
import { renderCurationSummary } from './curation-summary.ts';
import { storeWithRun } from './testing/fixture-run.ts';
import { plantedRun } from './testing/planted-run.ts';

describe('curateRun on a real store', () => {
  const { inputs, expected } = plantedRun();
  let ctx: ReturnType<typeof storeWithRun>;
  let evalFile: string;

  beforeAll(() => {
    ctx = storeWithRun('gen-planted', inputs);
    evalFile = join(ctx.dir, 'private-eval.jsonl');
    writeFileSync(
      evalFile,
      `${JSON.stringify({ id: 'train-q', question: 'A train leaves at 3pm and travels 120km at 60km/h. When does it arrive?' })}\n`,
    );
  });
  afterAll(() => ctx.dispose());

  const reasons = () => {
    const byId = new Map(ctx.samples.map((s) => [s.id, `${s.problem.id}#${s.sampleIdx}`]));
    return Object.fromEntries(
      curationDecisions(ctx.store.db, ctx.runId).map((d) => [
        byId.get(d.sampleId),
        d.kept ? 'kept' : d.reason,
      ]),
    );
  };

  it('drops every planted contaminated, duplicate, identity, wrong, truncated, mixed and looping row', async () => {
    const summary = await curateRun(ctx.store, 'gen-planted', {
      decontaminate: ['gsm8k', 'math500', evalFile],
    });
    expect(reasons()).toEqual(expected);
    expect(summary.total).toBe(inputs.length);
    expect(summary.kept).toBe(8);
    expect(summary.dropped).toEqual({
      incorrect: 1,
      identity: 1,
      'duplicate-trace': 1,
      truncation: 1,
      'duplicate-prompt': 1,
      contaminated: 2,
      language: 1,
      repetition: 1,
    });
    expect(summary.contamination.map((c) => [c.problemId, c.evalSet, c.method])).toEqual([
      // In problem-id order (curation reads by problem, not by arrival).
      ['file-copy', 'private-eval.jsonl', 'fuzzy'],
      ['gsm-copy', 'gsm8k', 'ngram'],
    ]);
    expect(summary.byFamily.add).toMatchObject({ total: 13, kept: 8 });
    expect(summary.byTeacher['builtin:distill-teacher-tiny']?.total).toBe(inputs.length);
    expect(summary.verification).toEqual({
      verified: inputs.length,
      correct: inputs.length - 2,
      unverifiable: 0,
    });
    const text = renderCurationSummary(summary);
    expect(text).toContain(`Curated run gen-planted: kept 8 of ${inputs.length} samples`);
    expect(text).toMatch(/gsm-copy ~ gsm8k\/\w+ \[ngram\]/);
  });

  it('stores verdicts and every check with params and evidence on each sample', () => {
    const identity = ctx.samples.find((s) => s.problem.id === 'p2' && s.sampleIdx === 2)!;
    const stored = ctx.store.getSample(identity.id)!;
    expect(stored.verdict).toMatchObject({ correct: true, method: expect.any(String) });
    const id = stored.filters.find((f) => f.name === 'identity');
    expect(id).toMatchObject({ passed: false, version: '1', matches: ['I am ChatGPT', 'trained by OpenAI'] });
    expect(id?.params.providers).toContain('OpenAI');
    const all = [
      'cut-short',
      'decontamination',
      'dedup-prompt',
      'identity',
      'language',
      'length',
      'repetition',
      'truncation',
    ];
    // Trace dedup only runs on samples that survived every earlier check.
    expect(stored.filters.map((f) => f.name).sort()).toEqual(all.sort());
    const clean = ctx.store.getSample(ctx.samples[0]!.id)!;
    expect(clean.filters.map((f) => f.name).sort()).toEqual([...all, 'dedup-trace'].sort());
    expect(clean.filters.every((f) => f.passed)).toBe(true);
    const gsm = ctx.store.getSample(ctx.samples.find((s) => s.problem.id === 'gsm-copy')!.id)!;
    expect(gsm.filters.find((f) => f.name === 'decontamination')?.matches[0]).toMatch(
      /^ngram gsm8k\/\w+: janet’s ducks lay 16 eggs per day\. she$/,
    );
  });

  it('is idempotent: a second curation gives the same decisions and check rows', async () => {
    const before = curationDecisions(ctx.store.db, ctx.runId);
    const rows = () =>
      ctx.store.db.prepare('SELECT count(*) AS n FROM filter_results').get() as { n: number };
    const n = rows().n;
    await curateRun(ctx.store, 'gen-planted', { decontaminate: ['gsm8k', 'math500', evalFile] });
    expect(curationDecisions(ctx.store.db, ctx.runId)).toEqual(before);
    expect(rows().n).toBe(n);
    expect(getCuration(ctx.store.db, ctx.runId)?.summary).toMatchObject({ kept: 8 });
  });

  it('applies per-prompt policies and keep=all', async () => {
    const best = await curateRun(ctx.store, 'gen-planted', { perPrompt: 'best', filters: [] });
    // 4 clean problems + zh + loop (filters off) + gsm-copy + file-copy (not decontaminated) = 8 prompts.
    expect(best.kept).toBe(8);
    expect(best.dropped['not-selected']).toBe(5);
    const all = await curateRun(ctx.store, 'gen-planted', { keep: 'all', filters: ['identity'] });
    expect(all.dropped).toEqual({ identity: 1, 'duplicate-trace': 1, 'duplicate-prompt': 1 });
    const shortest = await curateRun(ctx.store, 'gen-planted', {
      keep: 'all',
      perPrompt: 'shortest',
      filters: [],
    });
    const kept = curationDecisions(ctx.store.db, ctx.runId)
      .filter((d) => d.kept)
      .map((d) => d.sampleId);
    const p4 = ctx.samples.filter((s) => s.problem.id === 'p4');
    // p4#2 (cut, empty answer) is the shortest, but a correct sample ranks first; ties go to the lower index.
    expect(kept).toContain(p4.find((s) => s.sampleIdx === 0)!.id);
    expect(kept).not.toContain(p4.find((s) => s.sampleIdx === 2)!.id);
    expect(shortest.kept).toBe(8);
  });
});
