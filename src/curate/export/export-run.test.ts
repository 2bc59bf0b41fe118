import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitAssistantThinking } from '../../core/chat-format.ts';
import { curateRun } from '../curate-run.ts';
import { storeWithRun } from '../testing/fixture-run.ts';
import { plantedRun } from '../testing/planted-run.ts';
import { CroissantSchema } from './croissant.ts';
import { CardFrontMatterSchema } from './dataset-card.ts';
import { exportRun } from './export-run.ts';
import { TermsRiskError } from './terms-gate.ts';

const python = join(homedir(), '.cache/distill/venvs/634a1aef70645f35/bin/python');

function frontMatter(card: string): unknown {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(card);
  if (!m) throw new Error('card has no YAML front matter');
  return parse(m[1] as string);
}

describe('exportRun', () => {
  const { inputs } = plantedRun();
  // One extra clean problem from a teacher whose terms forbid training, and one with obligations.
  const risky = {
    problemId: 'risky',
    prompt: 'Compute the sum of 500 and 250, showing each column.',
    gold: '750',
    reasoning: 'Add 500 and 250. The ones give 0. So the answer is 750.',
    answer: 'The answer is \\boxed{750}.',
    provider: 'openai',
    model: 'o3',
    train: 'notAllowed' as const,
  };
  const llama = {
    problemId: 'llama',
    prompt: 'Compute the sum of 600 and 350, showing each column.',
    gold: '950',
    reasoning: 'Add 600 and 350. The ones give 0. So the answer is 950.',
    answer: 'The answer is \\boxed{950}.',
    provider: 'ollama',
    model: 'llama3.3',
    train: 'constrained' as const,
    obligations: ['Built with Llama', 'name derived models starting with "Llama"'],
  };
  let ctx: ReturnType<typeof storeWithRun>;
  beforeAll(async () => {
    ctx = storeWithRun('gen-export', [...inputs, risky, llama]);
    await curateRun(ctx.store, 'gen-export', { decontaminate: ['gsm8k'] });
  });
  afterAll(() => ctx.dispose());

  it('refuses notAllowed samples without --accept-terms-risk and leaves no folder behind', async () => {
    const out = join(ctx.dir, 'refused');
    const err = await exportRun(ctx.store, 'gen-export', { outDir: out }).catch((e: unknown) => e);
    expect(TermsRiskError.isInstance(err)).toBe(true);
    expect((err as TermsRiskError).teachers).toEqual([
      { teacher: 'openai:o3', samples: 1, terms: 'https://example.invalid/openai/terms' },
    ]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(ctx.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('exports messages JSONL with thinking in the assistant turn, a card and Croissant when the risk is accepted', async () => {
    const out = join(ctx.dir, 'jsonl');
    const res = await exportRun(ctx.store, 'gen-export', { outDir: out, acceptTermsRisk: true });
    // 8 clean + file-copy (only gsm8k decontaminated here) + risky + llama.
    expect(res.rows).toBe(11);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'croissant.json', 'provenance', 'train.jsonl']);
    const rows = readFileSync(join(out, 'train.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(11);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['messages']);
      expect(row.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
      expect(row.messages[1].content).toMatch(
        /^<think>\n[\s\S]+\n<\/think>\n\nThe answer is \\boxed\{\d+\}\.$/,
      );
    }
    // Rows come in problem-id order (not arrival order); 'file-copy' sorts first.
    const first = ctx.samples.find((s) => s.problem.id === 'file-copy')!;
    expect(rows[0].messages[0].content).toBe(first.problem.prompt);
    expect(splitAssistantThinking(rows[0].messages[1].content)).toEqual({
      reasoning: first.trace.reasoning,
      answer: first.trace.answer,
    });
    const prov = readFileSync(join(out, 'provenance', 'samples.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(prov[0]).toMatchObject({
      sample_id: first.id,
      use_policy: { train: 'allowed' },
      verification: { verdict: true },
    });
    expect(prov[0].filters.map((f: { name: string }) => f.name)).toContain('identity');

    const card = readFileSync(join(out, 'README.md'), 'utf8');
    const fm = CardFrontMatterSchema.parse(frontMatter(card));
    expect(fm).toMatchObject({
      license: 'apache-2.0',
      annotations_creators: ['machine-generated'],
      source_datasets: ['original'],
      size_categories: ['n<1K'],
      configs: [{ config_name: 'default', data_files: [{ split: 'train', path: 'train.jsonl' }] }],
    });
    expect(fm.tags).toContain('terms-risk-accepted');
    expect(card).toContain('## Provenance');
    expect(card).toContain('- Built with Llama');
    expect(card).toMatch(/\| ollama:llama3\.3 \| self_hosted \| 1 \| constrained \| Built with Llama;/);
    expect(card).toContain('### Terms risk');
    expect(card).toContain('--accept-terms-risk');
    expect(card).toContain('| contaminated | 1 |');

    const croissant = CroissantSchema.parse(JSON.parse(readFileSync(join(out, 'croissant.json'), 'utf8')));
    expect(croissant.distribution[0]?.sha256).toBe(res.files.find((f) => f.path === 'train.jsonl')?.sha256);
    expect(croissant['rai:dataUseCases']).toContain('Built with Llama');
    expect(croissant['rai:dataLimitations']).toContain('--accept-terms-risk');
    expect(croissant['prov:wasGeneratedBy'].map((a) => a.name).sort()).toEqual([
      'generation by builtin:distill-teacher-tiny',
      'generation by ollama:llama3.3',
      'generation by openai:o3',
    ]);
  });

  it('replaces an earlier export atomically and refuses to overwrite an unrelated folder', async () => {
    const out = join(ctx.dir, 'jsonl');
    const res = await exportRun(ctx.store, 'gen-export', {
      outDir: out,
      acceptTermsRisk: true,
      style: 'prompt-completion',
    });
    const row = JSON.parse(readFileSync(join(out, 'train.jsonl'), 'utf8').split('\n')[0] as string);
    expect(Object.keys(row)).toEqual(['prompt', 'completion']);
    expect(row.completion.startsWith('<think>\n')).toBe(true);
    expect(res.style).toBe('prompt-completion');
    await expect(
      exportRun(ctx.store, 'gen-export', { outDir: ctx.dir, acceptTermsRisk: true }),
    ).rejects.toThrow(/not an earlier Distill export/);
  });

  it('writes Parquet with a list<struct<role, content>> messages column that hyparquet reads back', async () => {
    const out = join(ctx.dir, 'parquet');
    const res = await exportRun(ctx.store, 'gen-export', {
      outDir: out,
      format: 'parquet',
      acceptTermsRisk: true,
    });
    const buf = readFileSync(join(out, 'train.parquet'));
    const rows = (await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    })) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(res.rows);
    const jsonl = await exportRun(ctx.store, 'gen-export', {
      outDir: join(ctx.dir, 'cmp'),
      acceptTermsRisk: true,
    });
    const expected = readFileSync(join(ctx.dir, 'cmp', 'train.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => ({ messages: r.messages }))).toEqual(expected);
    expect(rows[0]).toMatchObject({
      teacher: 'builtin:distill-teacher-tiny',
      train_policy: 'allowed',
      correct: true,
    });
    expect(JSON.parse(rows[0]!.provenance as string)).toMatchObject({
      sample_id: ctx.samples.find((s) => s.problem.id === 'file-copy')!.id,
    });
    expect(jsonl.rows).toBe(res.rows);
    const card = CardFrontMatterSchema.parse(frontMatter(readFileSync(join(out, 'README.md'), 'utf8')));
    expect(card.configs[0]?.data_files[0]?.path).toBe('train.parquet');
  });

  it.runIf(existsSync(python))('Parquet and JSONL read back identically in pyarrow', async () => {
    const script = [
      'import json, sys, pyarrow.parquet as pq',
      't = pq.read_table(sys.argv[1])',
      'rows = [json.loads(l) for l in open(sys.argv[2])]',
      'assert t.num_rows == len(rows), (t.num_rows, len(rows))',
      "assert t.column('messages').to_pylist() == [r['messages'] for r in rows]",
      "print(json.dumps({'rows': t.num_rows, 'type': str(t.schema.field('messages').type)}))",
    ].join('\n');
    const out = execFileSync(
      python,
      ['-c', script, join(ctx.dir, 'parquet', 'train.parquet'), join(ctx.dir, 'cmp', 'train.jsonl')],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({
      rows: 11,
      type: 'list<element: struct<role: string not null, content: string not null> not null>',
    });
  });

  it('refuses a run that was never curated', async () => {
    ctx.store.createRun({ name: 'raw', kind: 'generate' });
    await expect(exportRun(ctx.store, 'raw', { outDir: join(ctx.dir, 'raw') })).rejects.toThrow(
      /has not been curated/,
    );
  });
});

describe('exportRun with nothing kept', () => {
  it('fails with a clear input error and writes no folder', async () => {
    const ctx = storeWithRun('gen-empty', [
      {
        problemId: 'wrong',
        prompt: 'What is 2 + 2?',
        gold: '4',
        reasoning: '2 + 2 = 5.',
        answer: 'The answer is \\boxed{5}.',
      },
    ]);
    try {
      await curateRun(ctx.store, 'gen-empty', {});
      const out = join(ctx.dir, 'empty');
      await expect(exportRun(ctx.store, 'gen-empty', { outDir: out })).rejects.toThrow(/has no kept samples/);
      expect(existsSync(out)).toBe(false);
    } finally {
      ctx.dispose();
    }
  });
});
