import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderStudentPrompt } from '../core/chat-format.ts';
import { JinjaTemplate, strftime } from './jinja-template.ts';

interface Expected {
  template: string;
  case: string;
  addGenerationPrompt: boolean;
  enableThinking: boolean | null;
  bos: string;
  eos: string;
  text: string | null;
  error: string | null;
}

const dir = new URL('./fixtures/templates/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected[];
/** The clock scripts/record-template-renders.py froze `strftime_now` at. */
const NOW = new Date(2026, 0, 15, 9, 30, 0);
const CASES: Record<string, { role: string; content: string }[]> = {
  'one-user': [{ role: 'user', content: 'What is 2+2?' }],
  'system-user': [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Name a prime above 10.' },
  ],
  'history-with-thinking': [
    { role: 'user', content: 'a' },
    { role: 'assistant', content: '<think>\nold thoughts\n</think>\n\nold answer' },
    { role: 'user', content: 'b  ' },
  ],
  unicode: [{ role: 'user', content: 'Ünïcödé ✓ — 数学 "quotes" {braces}' }],
};

describe('JinjaTemplate renders real chat templates exactly as Python jinja2 (transformers) does', () => {
  const names = [...new Set(expected.map((e) => e.template))];
  it('has the fixtures the issue lists', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'deepseek-r1-distill-qwen',
        'qwen3-hybrid',
        'smollm2-135m-instruct',
        'llama-3.2-instruct',
        'gemma-3-it',
        'phi-4-mini-instruct',
        'gpt-oss-20b',
      ]),
    );
    expect(expected.length).toBeGreaterThan(100);
  });
  for (const name of names) {
    it(name, () => {
      const template = new JinjaTemplate(readFileSync(new URL(`${name}.jinja`, dir), 'utf8'), name);
      for (const e of expected.filter((x) => x.template === name)) {
        const input = {
          messages: CASES[e.case] ?? [],
          addGenerationPrompt: e.addGenerationPrompt,
          bosToken: e.bos,
          eosToken: e.eos,
          now: NOW,
          ...(e.enableThinking === null ? {} : { enableThinking: e.enableThinking }),
        };
        const label = `${name} / ${e.case} / gen=${e.addGenerationPrompt} / thinking=${e.enableThinking}`;
        if (e.error !== null) expect(() => template.render(input), label).toThrow(e.error);
        else expect(template.render(input), label).toBe(e.text);
      }
    });
  }
});

describe('the hand-written student renderer', () => {
  it('is identical to its Jinja template for every case (so the trainer may keep using it)', () => {
    const source = readFileSync(new URL('distill-student-v1.jinja', dir), 'utf8');
    const template = new JinjaTemplate(source);
    for (const messages of Object.values(CASES)) {
      for (const enableThinking of [true, false]) {
        const typed = messages as { role: 'system' | 'user' | 'assistant'; content: string }[];
        expect(renderStudentPrompt(typed, { bos: '<s>', eos: '</s>', enableThinking })).toBe(
          template.render({
            messages,
            addGenerationPrompt: true,
            bosToken: '<s>',
            eosToken: '</s>',
            enableThinking,
          }),
        );
      }
    }
  });
});

describe('strftime', () => {
  it('formats like Python in the C locale', () => {
    const d = new Date(2026, 6, 4, 15, 5, 9);
    expect(strftime(d, '%d %b %Y')).toBe('04 Jul 2026');
    expect(strftime(d, '%Y-%m-%d %H:%M:%S %B %A %a %I%p %%')).toBe(
      '2026-07-04 15:05:09 July Saturday Sat 03PM %',
    );
  });
});
