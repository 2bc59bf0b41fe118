import { describe, expect, it } from 'vitest';
import { sanitize, TurnView } from './chat-view.ts';

function screen(fancy: boolean) {
  const writes: string[] = [];
  const view = new TurnView({ write: (t: string) => writes.push(t), columns: 80, rows: 40 }, { fancy });
  return { view, all: () => writes.join(''), writes };
}

describe('TurnView', () => {
  it('folds thinking to a one-line summary when the answer starts and unfolds it on toggle', () => {
    const { view, all, writes } = screen(true);
    view.onPart({ type: 'reasoning-start', id: 'r' });
    for (const d of ['step one\n', 'step two\n']) view.onPart({ type: 'reasoning-delta', id: 'r', delta: d });
    expect(all()).toContain('step two');
    view.onPart({ type: 'reasoning-end', id: 'r' });
    const before = writes.length;
    view.onPart({ type: 'text-start', id: 't' });
    view.onPart({ type: 'text-delta', id: 't', delta: '\n' });
    view.onPart({ type: 'text-delta', id: 't', delta: '\n42' });
    const fold = writes.slice(before).join('');
    // moved up over the two thinking rows, cleared, wrote the summary, then the answer without blank lines
    expect(fold).toContain('\x1b[2A\x1b[J');
    expect(fold).toMatch(/▸ Thought for \d+\.\d s · 2 tokens/);
    expect(fold).not.toContain('step one');
    expect(fold.endsWith('42')).toBe(true);
    const t = writes.length;
    view.toggle();
    const unfolded = writes.slice(t).join('');
    expect(unfolded).toContain('▾ Thought for');
    expect(unfolded).toContain('step one\nstep two');
    expect(unfolded).toContain('42');
    view.finish({
      type: 'finish',
      finishReason: 'stop',
      usage: { input: 5, reasoning: 7, output: 1 },
      timing: { totalMs: 10, thinkingMs: 3200, tokensPerSecond: 100 },
    });
    expect(all()).toContain('Thought for 3.2 s · 7 tokens');
    expect(all()).toContain('7 thinking + 1 answer tokens · 100.0 tok/s');
  });

  it('says when the runtime ended thinking, and only then (issue 22)', () => {
    const usage = { input: 5, reasoning: 7, output: 1 };
    const forced = screen(false);
    forced.view.finish({ type: 'finish', finishReason: 'stop', usage, thinkingEnd: 'max-tokens-reserve' });
    expect(forced.all()).toContain('thinking ended by max-tokens-reserve');
    const natural = screen(false);
    natural.view.finish({ type: 'finish', finishReason: 'stop', usage, thinkingEnd: 'natural' });
    expect(natural.all()).not.toContain('thinking ended');
  });

  it('prints plainly without a TTY and strips terminal control characters', () => {
    const { view, all } = screen(false);
    view.onPart({ type: 'reasoning-delta', id: 'r', delta: 'hmm\x1b[31m' });
    view.onPart({ type: 'text-delta', id: 't', delta: 'ok' });
    expect(all()).toMatch(/^hmm\[31m\n\[Thought for \d+\.\d s · 1 tokens\]\nok$/);
    expect(sanitize('a\x07b\x1bc\n\td')).toBe('abc\n\td');
  });
});
