import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { prepareTraining } from './train-model.ts';
import type { WorkerEvent } from './worker-events.ts';

// A real GGUF with Distill's character-level tokenizer (vocab-only load: fast, no PyTorch needed).
const base = fileURLToPath(new URL('../../models/distill-teacher-q8_0.gguf', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'distill-prepare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (prompt: string, answer: string): string =>
  JSON.stringify({
    messages: [
      { role: 'user', content: prompt },
      { role: 'assistant', content: answer },
    ],
  });

function dataFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('prepareTraining checks the data before writing anything', () => {
  it.each([
    ['an invalid JSON line', ['{"messages": [', row('a', 'b')], /:1: invalid JSON/],
    ['a row that is not chat format', [row('a', 'b'), '{"prompt":"x"}'], /:2: not a chat-format row/],
    ['an empty file', [''], /has no rows/],
  ])('refuses %s with a preset, and writes no init.gguf nor run folder', async (_what, lines, message) => {
    const out = join(dir, `bad-${lines.length}-${String(message).length}.gguf`);
    const runDir = out.replace(/\.gguf$/, '.run');
    const e = await failure(
      prepareTraining({ data: dataFile(`${_what}.jsonl`, lines), preset: 'pico', out }),
    );
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(message);
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(join(runDir, 'init.gguf'))).toBe(false);
  });

  it('refuses a missing base model before writing', async () => {
    const out = join(dir, 'nobase.gguf');
    const e = await failure(
      prepareTraining({ data: dataFile('ok.jsonl', [row('a', 'b')]), base: join(dir, 'missing.gguf'), out }),
    );
    expect(e).toBeInstanceOf(NotFoundError);
    expect(existsSync(join(dir, 'nobase.run'))).toBe(false);
  });
});

describe('examples longer than a row', () => {
  const short = row('1+1?', '<think>one plus one</think>2');
  const long = row(`${'long question '.repeat(40)}?`, `<think>${'step '.repeat(100)}</think>42`);

  it('are dropped with a visible warning naming how many, the longest and where', async () => {
    const events: WorkerEvent[] = [];
    const out = join(dir, 'some-long.gguf');
    const data = dataFile('some-long.jsonl', [short, long, short, long, short]);
    const p = await prepareTraining({ data, base, out, seqLen: 64 }, { onEvent: (e) => events.push(e) });
    expect(p.data.docs).toBe(3);
    expect(p.data.dropped).toMatchObject({ count: 2, firstRows: [2, 4] });
    expect(p.data.dropped.longestTokens).toBeGreaterThan(500);
    expect(p.data.maxDocTokens).toBeLessThanOrEqual(65);
    const warning = events.find((e) => e.type === 'warning');
    expect(warning?.message).toMatch(
      /^dropped 2 of 5 examples longer than the 64-token row \(longest \d+ tokens; rows 2, 4\); raise --seq-len/,
    );
    const config = JSON.parse(readFileSync(p.configPath, 'utf8')) as {
      seqLen: number;
      metadata: { data_rows: number };
    };
    expect(config.seqLen).toBe(64);
    expect(config.metadata.data_rows).toBe(3);
    expect(readFileSync(p.metrics, 'utf8')).toContain('W_LONG_EXAMPLES');
  });

  it('are refused when nothing else remains, and the run folder this call made is removed', async () => {
    const out = join(dir, 'all-long.gguf');
    const e = await failure(
      prepareTraining({ data: dataFile('all-long.jsonl', [long, long]), base, out, seqLen: 64 }),
    );
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(
      /every training example is longer than a training row of 65 tokens \(2 example\(s\), the longest \d+ tokens\)/,
    );
    expect(existsSync(join(dir, 'all-long.run'))).toBe(false);
  });

  it('a run folder that existed before is kept when a later step fails', async () => {
    const runDir = join(dir, 'kept.run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'notes.txt'), 'mine');
    await failure(
      prepareTraining({
        data: dataFile('kept.jsonl', [long]),
        base,
        out: join(dir, 'kept.gguf'),
        seqLen: 64,
      }),
    );
    expect(readFileSync(join(runDir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('default row limit is 1024 tokens', async () => {
    const p = await prepareTraining({
      data: dataFile('default.jsonl', [short, short]),
      base,
      out: join(dir, 'default.gguf'),
    });
    expect(p.data.dropped.count).toBe(0);
    expect(p.data.docs).toBe(2);
  });
});
