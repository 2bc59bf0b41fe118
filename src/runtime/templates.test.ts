import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STUDENT_CHAT_TEMPLATE, STUDENT_TEMPLATE_ID } from '../core/chat-format.ts';
import type { ChatMessage } from '../core/chat-model.ts';
import { JinjaTemplate } from './jinja-template.ts';
import { selectTemplate } from './templates.ts';

const fixture = (name: string) => new URL(`./fixtures/templates/${name}.jinja`, import.meta.url);
const source = (name: string) => readFileSync(fixture(name), 'utf8');
const info = (
  chatTemplate: string | undefined,
  metadata: Record<string, string> = {},
  tokens = ['<s>', '</s>'],
) => ({
  chatTemplate,
  metadata,
  bosToken: tokens[0] as string,
  eosToken: tokens[1] as string,
});
const R1_TOKENS = ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>'];
const history: ChatMessage[] = [
  { role: 'user', content: 'a' },
  { role: 'assistant', content: '<think>\nold thoughts\n</think>\n\nold answer' },
  { role: 'user', content: 'b' },
];

describe('selectTemplate: the GGUF own Jinja template', () => {
  it('recognises Distill students (metadata or template) and renders them as the student format', () => {
    expect(selectTemplate(info(STUDENT_CHAT_TEMPLATE)).id).toBe(STUDENT_TEMPLATE_ID);
    const t = selectTemplate(info('', { 'distill.template_id': STUDENT_TEMPLATE_ID }));
    expect(t.id).toBe(STUDENT_TEMPLATE_ID);
    expect(t.render([{ role: 'user', content: 'hi' }], { enableThinking: false })).toBe(
      '<s>User: hi\nAssistant: <think>\n\n</think>\n\n',
    );
  });

  it('R1-Distill: thinking pre-opened, history thinking stripped, switched off by closing the block', () => {
    const t = selectTemplate(info(source('deepseek-r1-distill-qwen'), {}, R1_TOKENS));
    expect(t.id).toBe('gguf');
    expect(t.thinkingStart).toBe('pre-opened');
    expect(t.startInReasoning).toBe(true);
    expect(t.render(history)).toBe(
      '<｜begin▁of▁sentence｜><｜User｜>a<｜Assistant｜>old answer<｜end▁of▁sentence｜><｜User｜>b<｜Assistant｜><think>\n',
    );
    // The template's own rule wins: it drops everything before </think> in history.
    expect(t.render(history, { keepHistoryThinking: true })).not.toContain('old thoughts');
    expect(
      selectTemplate(info(source('qwen3-hybrid'))).render(history, { keepHistoryThinking: true }),
    ).not.toContain('old thoughts');
    expect(t.render(history, { enableThinking: false }).endsWith('<think>\n\n</think>\n\n')).toBe(true);
    expect(t.stop).toEqual(['<｜end▁of▁sentence｜>']);
    expect(t.ollamaTemplate).toContain('<｜Assistant｜><think>');
  });

  it('R1-Distill as first published: the model opens <think> itself', () => {
    const t = selectTemplate(info(source('deepseek-r1-distill-qwen-2501'), {}, R1_TOKENS));
    expect(t.thinkingStart).toBe('model-opened');
    expect(t.startInReasoning).toBe('detect');
    expect(t.render([{ role: 'user', content: 'q' }], { enableThinking: false })).toMatch(
      /<｜Assistant｜><think>\n\n<\/think>\n\n$/,
    );
  });

  it('Qwen3 hybrid: model-opened thinking, switched off through enable_thinking', () => {
    const t = selectTemplate(info(source('qwen3-hybrid'), {}, ['', '<|im_end|>']));
    expect(t.thinkingStart).toBe('model-opened');
    expect(t.supportsThinkingToggle).toBe(true);
    expect(t.render([{ role: 'user', content: 'hi' }])).toBe(
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(t.render([{ role: 'user', content: 'hi' }], { enableThinking: false })).toBe(
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    expect(t.render(history)).not.toContain('old thoughts');
    expect(t.stop).toEqual(['<|im_end|>']);
  });

  it('Qwen3-Thinking-2507 pre-opens; SmolLM2, Llama-3.2, Gemma-3, Phi-4-mini and gpt-oss mark no thinking', () => {
    expect(selectTemplate(info(source('qwen3-4b-thinking-2507'))).thinkingStart).toBe('pre-opened');
    for (const name of [
      'smollm2-135m-instruct',
      'llama-3.2-instruct',
      'gemma-3-it',
      'phi-4-mini-instruct',
      'gpt-oss-20b',
    ]) {
      const t = selectTemplate(info(source(name)));
      expect(t.thinkingStart, name).toBe('none');
      expect(t.supportsThinkingToggle, name).toBe(false);
      expect(t.startInReasoning, name).toBe('detect');
    }
    expect(selectTemplate(info(source('gpt-oss-20b'))).stop).not.toContain('<|end|>');
    expect(selectTemplate(info(source('phi-4-mini-instruct'))).stop).toEqual(['<|end|>']);
  });

  it('renders what the Jinja template renders for a plain conversation', () => {
    const t = selectTemplate(info(source('gemma-3-it'), {}, ['<bos>', '<eos>']));
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ];
    expect(t.render(messages)).toBe(
      new JinjaTemplate(source('gemma-3-it')).render({
        messages,
        addGenerationPrompt: true,
        bosToken: '<bos>',
        eosToken: '<eos>',
      }),
    );
    expect(() => t.render([{ role: 'assistant', content: 'x' }])).toThrow(/roles must alternate/);
  });

  it('fails clearly on a template it cannot parse', () => {
    expect(() => selectTemplate(info('{% for x in %}'))).toThrow(/not a Jinja template/);
  });
});

describe('selectTemplate: no template in the GGUF', () => {
  it("falls back to llama.cpp's built-in for the vocabulary's special tokens, else the architecture, else ChatML", () => {
    const llama3 = selectTemplate(info(undefined), undefined, {
      hasToken: (t) => t === '<|start_header_id|>' || t === '<|eot_id|>',
    });
    expect(llama3.id).toBe('llama3');
    expect(llama3.description).toMatch(/built-in 'llama3'.*<\|start_header_id\|>/);
    expect(llama3.render([{ role: 'user', content: 'hi' }])).toBe(
      '<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(selectTemplate(info(undefined, { 'general.architecture': 'gemma3' })).id).toBe('gemma');
    const chatml = selectTemplate(info(undefined));
    expect(chatml.id).toBe('chatml');
    expect(chatml.render(history)).toBe(
      '<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nold answer<|im_end|>\n<|im_start|>user\nb<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(chatml.ollamaTemplate).toContain('<|im_start|>');
  });
});

describe('selectTemplate: --template', () => {
  it('accepts Distill names, llama.cpp built-ins and .jinja files, and lists them on a typo', () => {
    expect(selectTemplate(info(undefined, {}, R1_TOKENS), 'deepseek-r1').thinkingStart).toBe('pre-opened');
    expect(selectTemplate(info(undefined), 'qwen3').thinkingStart).toBe('model-opened');
    expect(selectTemplate(info(source('gemma-3-it')), 'phi4').id).toBe('phi4');
    const file = fileURLToPath(fixture('smollm2-135m-instruct'));
    const t = selectTemplate(info(undefined), file);
    expect(t.id).toBe(file);
    expect(t.render([{ role: 'user', content: 'hi' }])).toContain('named SmolLM');
    expect(() => selectTemplate(info(undefined), 'chatmll')).toThrow(/unknown template 'chatmll'/);
    expect(() => selectTemplate(info(undefined), 'missing/x.jinja')).toThrow(/does not exist/);
  });
});
