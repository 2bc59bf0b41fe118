import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitAssistantThinking } from '../core/chat-format.ts';
import type { Problem } from '../core/problem.ts';
import { exportTrainingJsonl } from './export.ts';
import { loadProblems } from './load.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distill-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportTrainingJsonl', () => {
  it('writes chat-format rows with the thinking inside the assistant turn', async () => {
    const spec = 'add:30:train,word:20:train:level=2,gsm8k:5';
    const out = join(dir, 'nested', 'train.jsonl');
    const progress: number[] = [];
    const result = await exportTrainingJsonl(spec, out, {
      seed: 4,
      progressEvery: 10,
      onProgress: (d) => progress.push(d),
    });
    const problems: Problem[] = [];
    for await (const p of loadProblems(spec, { seed: 4 })) problems.push(p);
    const text = await readFile(out, 'utf8');
    const rows = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(result).toEqual({ path: out, rows: 55, skipped: 0, bytes: Buffer.byteLength(text) });
    expect(rows).toHaveLength(55);
    rows.forEach((row, i) => {
      const p = problems[i]!;
      expect(Object.keys(row).sort()).toEqual(['gold', 'id', 'messages', 'source']);
      expect(row.id).toBe(p.id);
      expect(row.source).toEqual(p.source);
      expect(row.gold).toBe(p.gold);
      expect(row.messages).toHaveLength(2);
      expect(row.messages[0]).toEqual({ role: 'user', content: p.prompt });
      expect(row.messages[1].role).toBe('assistant');
      const content: string = row.messages[1].content;
      expect(content.startsWith('<think>\n')).toBe(true);
      expect(content).toContain('\n</think>\n\nThe answer is \\boxed{');
      expect(splitAssistantThinking(content)).toEqual({
        reasoning: p.reference?.reasoning,
        answer: p.reference?.answer,
      });
    });
    expect(progress).toEqual([10, 20, 30, 40, 50, 55]);
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual(['train.jsonl']);
  });

  it('skips problems without reference reasoning and counts them', async () => {
    const src = join(dir, 'plain.jsonl');
    await writeFile(src, '{"prompt":"Hi?","gold":"1"}\n{"prompt":"Why?","gold":"2","solution":"Because."}\n');
    const result = await exportTrainingJsonl(`jsonl:${src}`, join(dir, 'plain-out.jsonl'));
    expect([result.rows, result.skipped]).toEqual([1, 1]);
  });

  it('leaves neither a partial file nor a temp file when aborted or failing', async () => {
    const out = join(dir, 'aborted.jsonl');
    await writeFile(out, 'previous content\n');
    const controller = new AbortController();
    await expect(
      exportTrainingJsonl('letters:200000:train', out, {
        signal: controller.signal,
        progressEvery: 500,
        onProgress: (d) => {
          if (d >= 1000) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(await readFile(out, 'utf8')).toBe('previous content\n');
    await expect(
      exportTrainingJsonl('add:5:train,jsonl:/missing.jsonl', join(dir, 'failed.jsonl')),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const files = await readdir(dir);
    expect(files.filter((f) => f.includes('.tmp-') || f.startsWith('failed'))).toEqual([]);
  });
});
