import {
  formatAssistantWithThinking,
  renderStudentTrainingExample,
  THINK_CLOSE,
  THINK_OPEN,
} from '../core/chat-format.ts';
import { ModelError } from '../core/errors/model-error.ts';
import { chooseBuiltin, renderBuiltin } from './builtin-template.ts';
import { JinjaTemplate, type TemplateMessage } from './jinja-template.ts';
import { isStudentTemplate, type TemplateModelInfo } from './templates.ts';

/**
 * How a trained model writes its thinking: `student` (Distill's format, thinking pre-opened by the prompt),
 * `native` (the template's own `reasoning_content` handling, e.g. Qwen3's `<think>…</think>`), or `text`
 * (`<think>…</think>` written as text at the start of the assistant turn, for families without a thinking format).
 */
export type ThinkingFormat = 'student' | 'native' | 'text';

/** One SFT example split where loss starts: `prompt` (no loss) and `completion` (the assistant turn, loss). */
export interface TrainingTurn {
  prompt: string;
  completion: string;
}

export interface TrainingTemplate {
  /** `distill-student-v1`, `gguf` (the GGUF's Jinja) or a llama.cpp built-in name. */
  id: string;
  thinkingFormat: ThinkingFormat;
  /** True for Distill's own student format (the trainer writes that template into the output). */
  student: boolean;
  render(prompt: string, reasoning: string, answer: string, withThinking: boolean): TrainingTurn;
}

type Render = (messages: TemplateMessage[], addGenerationPrompt: boolean) => string;

/**
 * The chat format training data is rendered with, so that training sees exactly the prompt the runtime renders
 * at inference: Distill's student format for Distill students, else the GGUF's own Jinja `tokenizer.chat_template`
 * (else llama.cpp's built-in for its vocabulary). The assistant turn holds the thinking as the family expects:
 * through `reasoning_content` when the template handles it (Qwen3), else as `<think>…</think>` text before the
 * answer. Without thinking, the turn holds an empty `<think>\n\n</think>` block before the answer.
 */
export function trainingTemplate(
  info: TemplateModelInfo,
  options: { hasToken?: (text: string) => boolean } = {},
): TrainingTemplate {
  if (isStudentTemplate(info)) {
    const bos = info.bosToken || '<s>';
    const eos = info.eosToken || '</s>';
    return {
      id: 'distill-student-v1',
      thinkingFormat: 'student',
      student: true,
      render: (prompt, reasoning, answer, withThinking) =>
        renderStudentTrainingExample(prompt, reasoning, answer, { bos, eos, withThinking }),
    };
  }
  let id: string;
  let render: Render;
  let native: boolean;
  if (info.chatTemplate) {
    const template = new JinjaTemplate(info.chatTemplate, "the base GGUF's chat template");
    id = 'gguf';
    native = info.chatTemplate.includes('reasoning_content');
    render = (messages, addGenerationPrompt) =>
      template.render({ messages, addGenerationPrompt, bosToken: info.bosToken, eosToken: info.eosToken });
  } else {
    const arch = info.architecture ?? info.metadata['general.architecture'] ?? 'unknown';
    id = chooseBuiltin(arch, options.hasToken).name;
    native = false;
    render = (messages, addGenerationPrompt) => renderBuiltin(id, messages, addGenerationPrompt);
  }
  return {
    id,
    thinkingFormat: native ? 'native' : 'text',
    student: false,
    render: (prompt, reasoning, answer, withThinking) => {
      const user: TemplateMessage = { role: 'user', content: prompt };
      const thought = withThinking ? reasoning.trim() : '';
      const assistant: TemplateMessage = native
        ? { role: 'assistant', content: answer.trim(), reasoning_content: thought }
        : {
            role: 'assistant',
            content: thought
              ? formatAssistantWithThinking(thought, answer)
              : `${THINK_OPEN}\n\n${THINK_CLOSE}\n\n${answer.trim()}`,
          };
      const head = render([user], true);
      const full = render([user, assistant], false);
      if (!full.startsWith(head))
        throw new ModelError(
          `${id === 'gguf' ? "the base GGUF's chat template" : `the '${id}' template`} renders a conversation that does not start with its own generation prompt; training cannot split prompt from answer`,
          {
            hint: 'fine-tune a base whose chat template renders turns incrementally (llama, qwen2, qwen3, gemma3 instruct models do)',
          },
        );
      const completion = full.slice(head.length).trimEnd();
      if (thought && !completion.includes(thought.split('\n')[0] as string))
        throw new ModelError(
          "the base GGUF's chat template drops the assistant's thinking from the turn, so it cannot be trained on",
          { hint: 'train with --no-thinking, or pick a base whose template keeps the thinking' },
        );
      return { prompt: head, completion };
    },
  };
}
