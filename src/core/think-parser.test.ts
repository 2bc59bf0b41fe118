import { describe, expect, it } from 'vitest';
import { parseThinking, ThinkParser, type ThinkParserOptions } from './think-parser.ts';

/** Feed chunks one by one and join the segments by kind (also checks no empty segment is ever emitted). */
function run(chunks: string[], options: ThinkParserOptions = {}) {
  const parser = new ThinkParser(options);
  const segments = [...chunks.flatMap((c) => parser.push(c)), ...parser.flush()];
  for (const s of segments) expect(s.text).not.toBe('');
  const join = (kind: string) =>
    segments
      .filter((s) => s.kind === kind)
      .map((s) => s.text)
      .join('');
  return { reasoning: join('reasoning'), answer: join('text'), ended: parser.thinkingEnded, segments };
}

/** Split a string into single characters: the worst case for split tags. */
const chars = (s: string) => [...s];

describe('ThinkParser', () => {
  it('handles a missing opening tag when the template pre-opened thinking', () => {
    const r = run(['Let me add 2 and 3.\n', '</think>', '\n\n5'], { startInReasoning: true });
    expect(r.reasoning).toBe('Let me add 2 and 3.\n');
    expect(r.answer).toBe('\n\n5');
    expect(r.ended).toBe(true);
  });

  it('swallows a repeated opening tag after a pre-opened template', () => {
    const r = run(chars('<think>\nhmm</think>ok'), { startInReasoning: true });
    expect(r.reasoning).toBe('\nhmm');
    expect(r.answer).toBe('ok');
  });

  it('joins tags split across tokens without leaking partial tags', () => {
    const r = run(['<th', 'ink>a<', '/thi', 'nk', '>b'], { startInReasoning: 'detect' });
    expect(r.reasoning).toBe('a');
    expect(r.answer).toBe('b');
    for (const s of r.segments) expect(s.text).not.toMatch(/<|>/);
    const single = run(chars('<think>step 1\nstep 2</think>\n\nanswer'));
    expect(single.reasoning).toBe('step 1\nstep 2');
    expect(single.answer).toBe('\n\nanswer');
  });

  it('handles empty thinking', () => {
    const r = run(['<think>', '</think>', 'hi']);
    expect(r.reasoning).toBe('');
    expect(r.answer).toBe('hi');
    expect(r.ended).toBe(true);
    const pre = run(['\n</think>\n\nhi'], { startInReasoning: true });
    expect(pre.reasoning).toBe('\n');
    expect(pre.answer).toBe('\n\nhi');
  });

  it('drops a stray closing tag in the answer and keeps thinking intact', () => {
    const r = run(chars('think</think>the answer</think> is 5'), { startInReasoning: true });
    expect(r.reasoning).toBe('think');
    expect(r.answer).toBe('the answer is 5');
  });

  it('emits a tag cut at the end of the stream as plain text of the current phase', () => {
    const r = run(['reasoning goes on </thi'], { startInReasoning: true });
    expect(r.reasoning).toBe('reasoning goes on </thi');
    expect(r.answer).toBe('');
    expect(r.ended).toBe(false);
    const cutAnswer = run(['<think>x</think>y </th']);
    expect(cutAnswer.answer).toBe('y </th');
  });

  it('treats output without tags as the answer in detect mode, and `<` that is not a tag as text', () => {
    expect(parseThinking('  2 < 3 <b>')).toMatchObject({ reasoning: '', answer: '  2 < 3 <b>' });
    expect(run(chars('a <thought> b'), { startInReasoning: false }).answer).toBe('a <thought> b');
  });

  it('does not re-enter thinking on an opening tag inside the answer', () => {
    const r = run(['<think>r</think>x <think>y</think>z']);
    expect(r.reasoning).toBe('r');
    expect(r.answer).toBe('x <think>yz');
  });
});
