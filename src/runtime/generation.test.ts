import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPart } from '../core/stream-part.ts';
import { DEFAULT_WRAP_UP, Generation, type ThinkingPlan } from './generation.ts';
import { NativeModel } from './native-model.ts';
import { Sampler } from './sampler.ts';
import { tinyModel } from './testing/tiny-model.ts';

/**
 * Thinking control on a real tokenizer with scripted logits: "models" that always want to close thinking, never
 * close it, or want to stop right after it, give exact, checkable behaviour.
 */
let model: NativeModel;
beforeAll(async () => {
  model = NativeModel.load(await tinyModel('nano'));
}, 120_000);
afterAll(() => model?.free());

interface Run {
  parts: StreamPart[];
  reasoning: string;
  answer: string;
  finish: Extract<StreamPart, { type: 'finish' }>;
  fed: number[];
}

/** Drive a Generation: `policy(textSoFar)` names the token the fake model prefers at each step. */
function drive(
  policy: (text: string) => number,
  options: {
    maxTokens?: number;
    thinking?: Partial<ThinkingPlan>;
    stop?: string[];
    answerNowAt?: number;
  } = {},
): Run {
  const parts: StreamPart[] = [];
  const gen = new Generation(
    model,
    {
      prompt: model.tokenize('<s>User: hi\nAssistant: <think>\n'),
      maxTokens: options.maxTokens ?? 200,
      sampler: new Sampler({ temperature: 0 }),
      stop: options.stop ?? [],
      startInReasoning: true,
      thinking: { enabled: true, ...options.thinking },
      startedAt: performance.now(),
    },
    (p) => parts.push(p),
    () => {},
  );
  const logits = new Float32Array(model.nVocab);
  const fed: number[] = [];
  for (let step = 0; step < 5000; step++) {
    if (step === options.answerNowAt) gen.answerNow();
    logits.fill(0);
    logits[policy(model.detokenize(fed))] = 10;
    const next = gen.step(logits);
    if (next === null) break;
    fed.push(...next);
  }
  const text = (type: string) =>
    parts
      .filter((p): p is Extract<StreamPart, { delta: string }> => p.type === type)
      .map((p) => p.delta)
      .join('');
  const finish = parts.at(-1) as Run['finish'];
  expect(finish.type).toBe('finish');
  return { parts, reasoning: text('reasoning-delta'), answer: text('text-delta'), finish, fed };
}

const tok = (ch: string) => model.singleToken(ch) as number;

describe('thinking control (scripted logits, real tokenizer)', () => {
  it('a budget ends endless thinking with a wrap-up, and the answer is never empty even if the model wants to stop', () => {
    // Thinks "ab\n" forever; once thinking is closed it wants end-of-generation at once.
    const r = drive(
      (text) => (text.includes('</think>') ? model.eos : tok('ab\n'[text.length % 3] as string)),
      {
        thinking: { budgetTokens: 150 },
      },
    );
    // The model saw the wrap-up; the reasoning stream never shows it (issue 22), and the finish says why.
    expect(model.detokenize(r.fed)).toContain(DEFAULT_WRAP_UP.trim());
    expect(r.reasoning).not.toContain(DEFAULT_WRAP_UP.trim());
    // graceful: the wrap-up starts on a new line (the reasoning before it ends a line)
    expect(r.reasoning.endsWith('\n')).toBe(true);
    expect(r.finish.usage.reasoning).toBeLessThanOrEqual(150);
    expect(r.answer.trim()).not.toBe('');
    expect(r.finish.finishReason).toBe('stop');
    expect(r.finish.thinkingEnd).toBe('budget');
    expect(r.finish.usage.reasoning + r.finish.usage.output).toBe(r.fed.length);
  });

  it('with reserveAnswer, tiny budgets and maxTokens keep room for a non-empty answer', () => {
    for (const [budget, max, cause] of [
      [0, 50, 'budget'],
      [1, 50, 'budget'],
      [5, 12, 'max-tokens-reserve'], // 12 - 8 reserved < 5
      [undefined, 20, 'max-tokens-reserve'],
      [undefined, 3, 'max-tokens-reserve'],
    ] as const) {
      const r = drive((text) => (text.includes('</think>') ? model.eos : tok('x')), {
        maxTokens: max,
        thinking: { reserveAnswer: true, ...(budget === undefined ? {} : { budgetTokens: budget }) },
      });
      expect(r.answer.trim(), `budget ${budget} max ${max}`).not.toBe('');
      expect(r.finish.thinkingEnd).toBe(cause);
      expect(r.finish.usage.reasoning + r.finish.usage.output).toBeLessThanOrEqual(max);
    }
  });

  it('forces "Wait" until the minimum thinking is reached (s1)', () => {
    // A model that always wants to close thinking at once.
    const r = drive(
      (text) => (text.includes('</think>') ? tok('5') : (model.singleToken('</think>') as number)),
      {
        maxTokens: 120,
        thinking: { minTokens: 40 },
      },
    );
    expect(r.reasoning).toContain('Wait');
    expect(r.finish.usage.reasoning).toBeGreaterThanOrEqual(40);
    expect(r.answer).toMatch(/5/);
  });

  it('answerNow forces </think> instead of aborting', () => {
    const r = drive(
      (text) =>
        text.includes('</think>')
          ? text.endsWith('42')
            ? model.eos
            : tok(text.endsWith('4') ? '2' : '4')
          : tok('z'),
      {
        answerNowAt: 10,
      },
    );
    expect(r.reasoning).toBe(`${'z'.repeat(10)}\n`);
    expect(r.answer.trim()).toBe('42');
    expect(r.finish.finishReason).toBe('stop');
    expect(r.finish.thinkingEnd).toBe('answer-now');
  });

  it('stops at a stop string and never shows it; token accounting is exact', () => {
    const script = 'think\n</think>\n\nThe answer is 5.\nUser: more';
    const ids = model.tokenize(script);
    const r = drive((text) => ids[model.tokenize(text).length] ?? model.eos, { stop: ['\nUser:'] });
    expect(r.reasoning).toBe('think\n');
    expect(r.answer).toBe('\n\nThe answer is 5.');
    expect(r.finish.finishReason).toBe('stop');
    expect(r.finish.thinkingEnd).toBe('natural');
    // the token that completed the stop string was generated but never fed back
    expect(r.finish.usage.reasoning + r.finish.usage.output).toBe(r.fed.length + 1);
    const types = r.parts.map((p) => p.type).filter((t) => !t.endsWith('delta'));
    expect(types).toEqual(['reasoning-start', 'reasoning-end', 'text-start', 'text-end', 'finish']);
  });

  it('closes thinking when the model emits end-of-generation inside it', () => {
    const r = drive((text) =>
      text.length < 5 ? tok('q') : text.includes('</think>') && !text.endsWith('\n') ? model.eos : model.eos,
    );
    expect(r.reasoning).toBe('qqqqq\n');
    expect(r.answer.trim()).not.toBe('');
    expect(r.finish.thinkingEnd).toBe('natural');
  });

  it('by default maxTokens is a hard stop: length inside thinking, no wrap-up, no forced answer (issue 22)', () => {
    for (const max of [3, 20, 200]) {
      const r = drive((text) => (text.includes('</think>') ? tok('5') : tok('x')), { maxTokens: max });
      expect(r.finish.finishReason, `max ${max}`).toBe('length');
      expect(r.finish.thinkingEnd).toBe('cut');
      expect(r.answer).toBe('');
      expect(model.detokenize(r.fed)).not.toContain('</think>');
      expect(r.finish.usage.reasoning).toBe(max);
    }
  });

  it('a budget is opt-in forcing, and maxTokens below the budget is still a hard stop without reserveAnswer', () => {
    const r = drive((text) => (text.includes('</think>') ? tok('5') : tok('x')), {
      maxTokens: 40,
      thinking: { budgetTokens: 100 },
    });
    expect(r.finish).toMatchObject({ finishReason: 'length', thinkingEnd: 'cut' });
  });
});
