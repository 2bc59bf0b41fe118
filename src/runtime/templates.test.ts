import { describe, expect, it } from 'vitest';
import { STUDENT_CHAT_TEMPLATE, STUDENT_TEMPLATE_ID } from '../core/chat-format.ts';
import type { ChatMessage } from '../core/chat-model.ts';
import { selectTemplate } from './templates.ts';

const info = (chatTemplate: string | undefined, metadata: Record<string, string> = {}) => ({
  chatTemplate,
  metadata,
  bosToken: '<s>',
  eosToken: '</s>',
});
const R1 =
  "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{'<｜User｜>' + message['content']}}{{'<｜Assistant｜><think>\\n'}}";
const QWEN3 =
  "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}<|im_start|>";
const history: ChatMessage[] = [
  { role: 'user', content: 'a' },
  { role: 'assistant', content: '<think>\nold thoughts\n</think>\n\nold answer' },
  { role: 'user', content: 'b' },
];

describe('selectTemplate', () => {
  it('recognises students, DeepSeek-R1, Qwen3 and ChatML and fails clearly otherwise', () => {
    expect(selectTemplate(info(STUDENT_CHAT_TEMPLATE)).id).toBe(STUDENT_TEMPLATE_ID);
    expect(selectTemplate(info('', { 'distill.template_id': STUDENT_TEMPLATE_ID })).id).toBe(
      STUDENT_TEMPLATE_ID,
    );
    expect(selectTemplate(info(R1)).id).toBe('deepseek-r1');
    expect(selectTemplate(info(QWEN3)).id).toBe('qwen3');
    expect(selectTemplate(info('<|im_start|>{{ m }}')).id).toBe('chatml');
    expect(() => selectTemplate(info('{{ weird }}'))).toThrow(/template/);
    expect(() => selectTemplate(info(undefined))).toThrow(/no chat template/);
    expect(selectTemplate(info(undefined), 'qwen3').id).toBe('qwen3');
  });

  it('renders R1 with a pre-opened <think>, strips inline history thinking, and closes it when off', () => {
    const t = selectTemplate(info(R1));
    expect(t.startInReasoning).toBe(true);
    const p = t.render(history);
    expect(p).toBe(
      '<s><｜User｜>a<｜Assistant｜>old answer<｜end▁of▁sentence｜><｜User｜>b<｜Assistant｜><think>\n',
    );
    expect(t.render(history, { keepHistoryThinking: true })).toContain('old thoughts');
    expect(t.render(history, { enableThinking: false }).endsWith('<think>\n\n</think>\n\n')).toBe(true);
  });

  it('renders Qwen3 ChatML, detecting the thinking tag in the output, with a thinking switch', () => {
    const t = selectTemplate(info(QWEN3));
    expect(t.startInReasoning).toBe('detect');
    expect(t.render([{ role: 'user', content: 'hi' }])).toBe(
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(t.render([{ role: 'user', content: 'hi' }], { enableThinking: false })).toMatch(
      /assistant\n<think>\n\n<\/think>\n\n$/,
    );
    expect(t.render(history)).not.toContain('old thoughts');
  });
});
