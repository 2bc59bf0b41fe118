import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STUDENT_CHAT_TEMPLATE } from '../core/chat-format.ts';
import { ModelError } from '../core/errors/model-error.ts';
import { selectTemplate, type TemplateModelInfo } from './templates.ts';
import { trainingTemplate } from './training-template.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/templates/${name}`, import.meta.url), 'utf8');

function info(chatTemplate: string | undefined, extra: Partial<TemplateModelInfo> = {}): TemplateModelInfo {
  return { chatTemplate, metadata: {}, bosToken: '<s>', eosToken: '</s>', ...extra };
}

const ROW = {
  prompt: 'What is 47 + 38?',
  reasoning: '7 + 8 = 15, write 5 carry 1.\n4 + 3 + 1 = 8. So 85.',
  answer: 'The answer is \\boxed{85}.',
};

describe('trainingTemplate: training data rendered with the base model’s own chat template', () => {
  it('SmolLM2 (ChatML, no thinking format): <think> text opens the assistant turn; the prompt is what the runtime renders', () => {
    const source = fixture('smollm2-135m-instruct.jinja');
    const base = info(source, { bosToken: '<|im_start|>', eosToken: '<|im_end|>' });
    const t = trainingTemplate(base);
    expect(t).toMatchObject({ id: 'gguf', thinkingFormat: 'text', student: false });
    const turn = t.render(ROW.prompt, ROW.reasoning, ROW.answer, true);
    expect(turn.prompt).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nWhat is 47 + 38?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(turn.completion).toBe(
      '<think>\n7 + 8 = 15, write 5 carry 1.\n4 + 3 + 1 = 8. So 85.\n</think>\n\nThe answer is \\boxed{85}.<|im_end|>',
    );
    // the prompt trained on is exactly the runtime's prompt for the same question
    expect(selectTemplate(base).render([{ role: 'user', content: ROW.prompt }])).toBe(turn.prompt);
    // answer-only: an empty thinking block, then the answer
    expect(t.render(ROW.prompt, ROW.reasoning, ROW.answer, false).completion).toBe(
      '<think>\n\n</think>\n\nThe answer is \\boxed{85}.<|im_end|>',
    );
  });

  it('Qwen3 (hybrid template): thinking goes through reasoning_content, rendered natively as <think>…</think>', () => {
    const base = info(fixture('qwen3-hybrid.jinja'), { bosToken: '', eosToken: '<|im_end|>' });
    const t = trainingTemplate(base);
    expect(t.thinkingFormat).toBe('native');
    const turn = t.render(ROW.prompt, ROW.reasoning, ROW.answer, true);
    expect(turn.prompt).toBe('<|im_start|>user\nWhat is 47 + 38?<|im_end|>\n<|im_start|>assistant\n');
    expect(turn.completion).toBe(
      '<think>\n7 + 8 = 15, write 5 carry 1.\n4 + 3 + 1 = 8. So 85.\n</think>\n\nThe answer is \\boxed{85}.<|im_end|>',
    );
    expect(selectTemplate(base).render([{ role: 'user', content: ROW.prompt }])).toBe(turn.prompt);
    expect(t.render(ROW.prompt, ROW.reasoning, ROW.answer, false).completion).toBe(
      '<think>\n\n</think>\n\nThe answer is \\boxed{85}.<|im_end|>',
    );
  });

  it('Gemma 3 and Llama 3.2: text thinking inside their own turn markers', () => {
    const gemma = trainingTemplate(
      info(fixture('gemma-3-it.jinja'), { bosToken: '<bos>', eosToken: '<eos>' }),
    );
    const g = gemma.render(ROW.prompt, ROW.reasoning, ROW.answer, true);
    expect(g.prompt).toBe('<bos><start_of_turn>user\nWhat is 47 + 38?<end_of_turn>\n<start_of_turn>model\n');
    expect(g.completion).toMatch(
      /^<think>\n7 \+ 8[\s\S]*<\/think>\n\nThe answer is \\boxed\{85\}\.<end_of_turn>$/,
    );
    const llama = trainingTemplate(
      info(fixture('llama-3.2-instruct.jinja'), { bosToken: '<|begin_of_text|>', eosToken: '<|eot_id|>' }),
    );
    const l = llama.render(ROW.prompt, ROW.reasoning, ROW.answer, true);
    expect(l.prompt.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);
    expect(l.completion).toMatch(/^<think>\n7 \+ 8[\s\S]*\\boxed\{85\}\.<\|eot_id\|>$/);
  });

  it('a Distill student keeps the student format (prompt pre-opens thinking)', () => {
    const t = trainingTemplate(info(STUDENT_CHAT_TEMPLATE));
    expect(t).toMatchObject({ id: 'distill-student-v1', student: true, thinkingFormat: 'student' });
    expect(t.render(ROW.prompt, ROW.reasoning, ROW.answer, true).prompt.endsWith('<think>\n')).toBe(true);
  });

  it('refuses a template whose conversation does not start with its generation prompt (DeepSeek-R1 pre-opens <think>)', () => {
    const t = trainingTemplate(info(fixture('deepseek-r1-distill-qwen.jinja')));
    expect(() => t.render(ROW.prompt, ROW.reasoning, ROW.answer, true)).toThrow(ModelError);
  });
});

describe('runtime: a model trained with <think> text (distill.thinking_format=text)', () => {
  it('opens thinking itself, and thinking can be switched off with an empty block', () => {
    const source = fixture('smollm2-135m-instruct.jinja');
    const plain = selectTemplate(info(source));
    expect(plain.thinkingStart).toBe('none');
    const trained = selectTemplate(info(source, { metadata: { 'distill.thinking_format': 'text' } }));
    expect(trained).toMatchObject({ thinkingStart: 'model-opened', startInReasoning: 'detect' });
    expect(trained.supportsThinkingToggle).toBe(true);
    expect(trained.render([{ role: 'user', content: 'hi' }], { enableThinking: false })).toMatch(
      /<\|im_start\|>assistant\n<think>\n\n<\/think>\n\n$/,
    );
  });
});
