import { describe, expect, it } from 'vitest';
import { DistillError } from './errors/distill-error.ts';
import type { StreamPart } from './stream-part.ts';
import { StreamPartWriter } from './stream-part-writer.ts';
import { ThinkParser } from './think-parser.ts';
import type { FinishReason, ThinkingEnd } from './trace.ts';
import { foldTrace, TraceFold } from './trace-fold.ts';

const usage = { input: 5, reasoning: 3, output: 2 };

async function* from(parts: StreamPart[]): AsyncIterable<StreamPart> {
  for (const p of parts) yield p;
}

/** Parts for raw model text (inline `<think>`), chunked as given, through the one parser + writer. */
function inline(
  chunks: string[],
  finishReason: FinishReason,
  extra: { thinkingEnd?: ThinkingEnd } = {},
): StreamPart[] {
  const parser = new ThinkParser({ startInReasoning: 'detect' });
  const writer = new StreamPartWriter();
  const parts = chunks.flatMap((c) => writer.segments(parser.push(c)));
  return [...parts, ...writer.segments(parser.flush()), ...writer.finish(finishReason, usage, extra)];
}

describe('foldTrace (the one stream → trace fold)', () => {
  it('joins tags split across chunks and trims reasoning and answer', async () => {
    const trace = await foldTrace(
      from(inline(['<th', 'ink>\n  2 + 3', ' = 5\n</th', 'ink>\n\n', 'The answer is 5.  '], 'stop')),
    );
    expect(trace).toMatchObject({
      reasoning: '2 + 3 = 5',
      answer: 'The answer is 5.',
      finishReason: 'stop',
      truncatedInThinking: false,
      thinkingEnd: 'natural',
      usage,
    });
    expect(trace.timing.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('empty thinking is no thinking: `none`, never truncated', async () => {
    const trace = await foldTrace(from(inline(['<think>', '</think>', '42'], 'stop')));
    expect(trace).toMatchObject({
      reasoning: '',
      answer: '42',
      thinkingEnd: 'none',
      truncatedInThinking: false,
    });
    const cut = await foldTrace(from(inline(['<think>\n\n</think>', '4'], 'length')));
    expect(cut).toMatchObject({ thinkingEnd: 'none', truncatedInThinking: false, finishReason: 'length' });
  });

  it('length inside thinking gives an empty answer, truncatedInThinking and thinkingEnd `cut`', async () => {
    const trace = await foldTrace(from(inline(['<think>Let me borrow: 13 - 8', ' = 5, carry'], 'length')));
    expect(trace).toMatchObject({
      reasoning: 'Let me borrow: 13 - 8 = 5, carry',
      answer: '',
      finishReason: 'length',
      truncatedInThinking: true,
      thinkingEnd: 'cut',
    });
  });

  it('length inside the answer is truncated but not in thinking', async () => {
    const trace = await foldTrace(from(inline(['<think>ok</think>', 'The answer'], 'length')));
    expect(trace).toMatchObject({
      finishReason: 'length',
      truncatedInThinking: false,
      thinkingEnd: 'natural',
    });
  });

  it("the producer's thinkingEnd wins (a forced end is never reported as natural)", async () => {
    const trace = await foldTrace(
      from(
        inline(['<think>13 - 8 = 5\n</think>', '\\boxed{5}'], 'stop', { thinkingEnd: 'max-tokens-reserve' }),
      ),
    );
    expect(trace).toMatchObject({
      finishReason: 'stop',
      thinkingEnd: 'max-tokens-reserve',
      answer: '\\boxed{5}',
    });
  });

  it('an error part mid-stream is a thrown ModelError, and later parts are not read', async () => {
    let readAfter = false;
    async function* parts(): AsyncIterable<StreamPart> {
      yield { type: 'reasoning-start', id: 'r0' };
      yield { type: 'reasoning-delta', id: 'r0', delta: 'hm' };
      yield { type: 'error', error: 'GPU fell over', code: 'E_GPU' };
      readAfter = true;
      yield { type: 'finish', finishReason: 'stop', usage };
    }
    const failure = await foldTrace(parts()).catch((e: unknown) => e);
    expect(DistillError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ name: 'ModelError', code: 'E_GPU', message: 'GPU fell over' });
    expect(readAfter).toBe(false);
  });

  it('a stream without finish is a ModelError, never a half trace', async () => {
    const failure = await foldTrace(from([{ type: 'text-delta', id: 't0', delta: 'hi' }])).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ name: 'ModelError', code: 'E_MODEL' });
  });

  it('ignores parts after finish, keeps raw extras, and prefers the producer timing', async () => {
    const timing = { totalMs: 12, ttftMs: 3 };
    const trace = await foldTrace(
      from([
        { type: 'text-delta', id: 't0', delta: 'a' },
        { type: 'finish', finishReason: 'stop', usage, timing },
        { type: 'text-delta', id: 't0', delta: 'b' },
      ]),
      { raw: { signature: 'x' } },
    );
    expect(trace).toMatchObject({ answer: 'a', timing, raw: { signature: 'x' }, thinkingEnd: 'none' });
  });

  it('measures timing when the producer sends none', () => {
    const fold = new TraceFold({ startedAt: performance.now() - 50 });
    fold.push({ type: 'reasoning-delta', id: 'r0', delta: 'x' });
    fold.push({ type: 'text-delta', id: 't0', delta: 'y' });
    fold.push({ type: 'finish', finishReason: 'stop', usage });
    const t = fold.trace().timing;
    expect(t.ttftMs).toBeGreaterThanOrEqual(50);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.ttftMs ?? 0);
    expect(t.thinkingMs).toBeGreaterThanOrEqual(0);
  });
});

describe('StreamPartWriter (the one writer)', () => {
  it('opens and closes one block per run of a kind and splits usage by characters', () => {
    const w = new StreamPartWriter();
    const parts = [...w.reasoning('abc'), ...w.reasoning('d'), ...w.text(''), ...w.text('xyzw')];
    parts.push(...w.finish('stop', w.usage({ input: 3, completion: 8 })));
    expect(parts.map((p) => p.type)).toEqual([
      'reasoning-start',
      'reasoning-delta',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
    ]);
    expect(new Set(parts.slice(0, 4).map((p) => ('id' in p ? p.id : '')))).toHaveProperty('size', 1);
    expect(parts.at(-1)).toMatchObject({ usage: { input: 3, reasoning: 4, output: 4 } });
  });
});
