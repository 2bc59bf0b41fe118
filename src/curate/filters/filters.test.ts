import { describe, expect, it } from 'vitest';
import { syntheticSample } from '../testing/synthetic-samples.ts';
import {
  buildFilters,
  cutShortFilter,
  identityFilter,
  languageMixingFilter,
  lengthFilter,
  repetitionFilter,
  truncationFilter,
} from './index.ts';

const base = { problemId: 'p1', prompt: 'What is 2 + 3?', gold: '5', answer: 'The answer is \\boxed{5}.' };

describe('identity filter', () => {
  const f = identityFilter();
  it.each([
    ['I am ChatGPT, a large language model.', 'I am ChatGPT'],
    ["I'm called Claude and I can help.", "I'm called Claude"],
    ['As an AI language model developed by OpenAI, I cannot', 'As an AI language model developed by OpenAI'],
    ['This model was trained by a team at Anthropic.', 'trained by a team at Anthropic'],
    ["That would violate OpenAI's policy.", "OpenAI's policy"],
    ['I was created by the DeepSeek team', 'created by the DeepSeek'],
  ])('drops %j with the matched evidence', (reasoning, evidence) => {
    const r = f.apply(syntheticSample({ ...base, reasoning }));
    expect(r.passed).toBe(false);
    expect(r.matches[0]).toBe(evidence);
    expect(r).toMatchObject({ name: 'identity', version: '1' });
  });

  it('keeps ordinary reasoning, provider names out of pattern, and mentions beyond one sentence', () => {
    for (const reasoning of [
      '2 plus 3 is 5. So the answer is 5.',
      'The company OpenAI was mentioned in the question, but that is irrelevant here.',
      'It was made by hand. Later, Anthropic', // the sentence ends before the provider
    ])
      expect(f.apply(syntheticSample({ ...base, reasoning })).passed).toBe(true);
  });

  it('scans the answer as well as the thinking', () => {
    const r = f.apply(syntheticSample({ ...base, reasoning: 'ok 2+3=5', answer: 'I am Gemini. \\boxed{5}' }));
    expect(r.matches).toEqual(['I am Gemini']);
  });
});

describe('language mixing filter', () => {
  const f = languageMixingFilter({ maxForeignShare: 0.05 });
  it('drops CJK-heavy thinking for an English prompt, with the share as evidence', () => {
    const r = f.apply(
      syntheticSample({
        ...base,
        reasoning: 'We add 2 and 3. 所以答案是五，我们检查一下这个结果是否正确。 Done.',
      }),
    );
    expect(r.passed).toBe(false);
    expect(r.matches[0]).toMatch(/^foreign share 0\.\d{3} > 0.05$/);
    expect(r.matches[1]).toContain('所以答案是五');
  });
  it('keeps English thinking, and Chinese thinking for a Chinese prompt', () => {
    expect(f.apply(syntheticSample({ ...base, reasoning: 'We add 2 and 3 to get 5.' })).passed).toBe(true);
    const zh = syntheticSample({
      ...base,
      prompt: '二加三等于多少？',
      reasoning: '二加三等于五。所以答案是五。',
      answer: '答案是五',
    });
    expect(f.apply(zh).passed).toBe(true);
  });
});

describe('repetition filter', () => {
  it('drops a sentence repeated in a row (×2 threshold for math: 8)', () => {
    const loop = 'Let me check the sum again. '.repeat(8);
    const r = repetitionFilter().apply(syntheticSample({ ...base, reasoning: `Start. ${loop}` }));
    expect(r.passed).toBe(false);
    expect(r.matches.some((m) => m.startsWith('sentence ×8 in a row: let me check the sum again.'))).toBe(
      true,
    );
    expect(r.params).toMatchObject({ factor: 2, consecutiveSentenceRepeats: 4 });
    const seven = 'Let me check the sum again. '.repeat(7);
    expect(repetitionFilter().apply(syntheticSample({ ...base, reasoning: seven })).passed).toBe(true);
  });

  it('uses the base thresholds for non-math problems', () => {
    const s = syntheticSample({ ...base, reasoning: 'Let me check the sum again. '.repeat(4) });
    s.problem.meta = { domain: 'chat' };
    const r = repetitionFilter().apply(s);
    expect(r.passed).toBe(false);
    expect(r.params).toMatchObject({ factor: 1 });
  });

  it('drops repeated paragraphs', () => {
    const para = 'Step: we add the ones column and carry the ten to the next column';
    const reasoning = Array.from({ length: 20 }, () => para).join('\n\n');
    const r = repetitionFilter({ ngramRepeats: 1000 }).apply(syntheticSample({ ...base, reasoning }));
    expect(r.matches[0]).toMatch(/^paragraph ×20: step: we add the ones column/);
  });
});

describe('cut-short filter (issue 22)', () => {
  const f = cutShortFilter();
  it.each([
    ['budget', 'thinking ended by budget'],
    ['answer-now', 'thinking ended by answer-now'],
    ['max-tokens-reserve', 'thinking ended by max-tokens-reserve'],
  ] as const)(
    'drops thinking ended by %s, even with a right answer, unless --keep-forced',
    (end, evidence) => {
      const s = syntheticSample({ ...base, reasoning: '13 - 8 = 5', thinkingEnd: end, correct: true });
      expect(f.apply(s)).toMatchObject({ name: 'cut-short', passed: false, matches: [evidence] });
      expect(cutShortFilter({ keepForced: true }).apply(s).passed).toBe(true);
    },
  );

  it('drops thinking cut by the token limit, --keep-forced or not', () => {
    const s = syntheticSample({
      ...base,
      reasoning: 'Let me borrow',
      answer: '',
      finishReason: 'length',
      thinkingEnd: 'cut',
      truncatedInThinking: true,
    });
    expect(f.apply(s).matches).toEqual(['thinking cut (finish_reason=length)']);
    expect(cutShortFilter({ keepForced: true }).apply(s).passed).toBe(false);
  });

  it('keeps natural and no-thinking traces; catches the wrap-up line in traces stored before thinkingEnd', () => {
    expect(f.apply(syntheticSample({ ...base, reasoning: '2+3=5', thinkingEnd: 'natural' })).passed).toBe(
      true,
    );
    expect(f.apply(syntheticSample({ ...base, reasoning: '', thinkingEnd: 'none' })).passed).toBe(true);
    expect(f.apply(syntheticSample({ ...base, reasoning: '2+3=5' })).passed).toBe(true);
    // The trace from the issue: finishReason stop, truncatedInThinking false, no thinkingEnd recorded.
    const legacy = syntheticSample({
      ...base,
      reasoning:
        'Let me subtract column by column from the right.\n3 - 8 is negative, so borrow: 13 - 8 = 5, write 5, borrow 1, so far 5.\nTime is up; answering now.',
    });
    expect(f.apply(legacy).matches[0]).toMatch(
      /^runtime wrap-up in thinking: ".*Time is up; answering now\."$/,
    );
  });

  it('runs by default, before truncation', () => {
    expect(buildFilters(['cut-short']).map((x) => x.name)).toEqual(['cut-short']);
  });
});

describe('truncation and length filters', () => {
  it('drops finish_reason=length, empty thinking and empty answers with evidence', () => {
    const f = truncationFilter();
    const cut = syntheticSample({ ...base, reasoning: 'We add', answer: '', finishReason: 'length' });
    expect(f.apply(cut).matches).toEqual(['finish_reason=length', 'empty answer']);
    expect(f.apply(syntheticSample({ ...base, reasoning: '  ' })).matches).toEqual(['empty thinking']);
    expect(f.apply(syntheticSample({ ...base, reasoning: '2+3=5' })).passed).toBe(true);
  });

  it('bounds the characters of thinking + answer', () => {
    const f = lengthFilter({ minChars: 30, maxChars: 60 });
    expect(f.apply(syntheticSample({ ...base, reasoning: 'x' })).matches).toEqual(['25 chars < min 30']);
    expect(f.apply(syntheticSample({ ...base, reasoning: 'x'.repeat(50) })).matches).toEqual([
      '74 chars > max 60',
    ]);
    expect(f.apply(syntheticSample({ ...base, reasoning: 'x'.repeat(10) })).passed).toBe(true);
  });

  it('builds filters by name and rejects unknown names', () => {
    expect(buildFilters(['length', 'identity']).map((f) => f.name)).toEqual(['length', 'identity']);
    expect(() => buildFilters(['nope'])).toThrow(/Unknown filter 'nope'/);
  });
});
