import type { ChatMessage } from './chat-model.ts';

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';

/**
 * The assistant turn with thinking inside, the way R1-Distill formats its training data:
 * `<think>\n…\n</think>\n\nanswer`. Used by `tasks export`, curated exports and SFT.
 */
export function formatAssistantWithThinking(reasoning: string, answer: string): string {
  return `${THINK_OPEN}\n${reasoning.trim()}\n${THINK_CLOSE}\n\n${answer.trim()}`;
}

/** Split an assistant turn written by {@link formatAssistantWithThinking} (or raw R1 output) back into parts. */
export function splitAssistantThinking(content: string): { reasoning: string; answer: string } {
  const close = content.indexOf(THINK_CLOSE);
  if (close < 0) return { reasoning: '', answer: content.trim() };
  const open = content.indexOf(THINK_OPEN);
  const start = open >= 0 && open < close ? open + THINK_OPEN.length : 0;
  return {
    reasoning: content.slice(start, close).trim(),
    answer: content.slice(close + THINK_CLOSE.length).trim(),
  };
}

/**
 * Distill's own student chat template. Stored verbatim as `tokenizer.chat_template` in every GGUF the trainer
 * writes, and rendered identically by {@link renderStudentPrompt} (tokenisation and inference use the TS renderer).
 * The generation prompt pre-opens thinking like DeepSeek-R1; with thinking off it writes an empty, closed block.
 */
export const STUDENT_CHAT_TEMPLATE =
  "{{ bos_token }}{% for m in messages %}{% if m.role == 'system' %}System: {{ m.content }}\n" +
  "{% elif m.role == 'user' %}User: {{ m.content }}\n" +
  "{% elif m.role == 'assistant' %}Assistant: {{ m.content }}{{ eos_token }}\n{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}Assistant: <think>\n{% if enable_thinking is defined and not enable_thinking %}{{ '\\n</think>\\n\\n' }}{% endif %}{% endif %}";

export const STUDENT_TEMPLATE_ID = 'distill-student-v1';

export interface RenderStudentOptions {
  /** BOS token text. Defaults to `<s>`. */
  bos?: string;
  /** EOS token text. Defaults to `</s>`. */
  eos?: string;
  /** Append the assistant generation prompt (pre-opened `<think>\n`). Defaults to true. */
  addGenerationPrompt?: boolean;
  /** With false, the generation prompt contains an empty closed thinking block. Defaults to true. */
  enableThinking?: boolean;
  /** Keep earlier assistant thinking in history. Defaults to false (R1 rule: strip it). */
  keepHistoryThinking?: boolean;
}

/** Render messages with the student template, exactly as {@link STUDENT_CHAT_TEMPLATE} does. */
export function renderStudentPrompt(messages: ChatMessage[], options: RenderStudentOptions = {}): string {
  const bos = options.bos ?? '<s>';
  const eos = options.eos ?? '</s>';
  let out = bos;
  for (const m of messages) {
    if (m.role === 'system') out += `System: ${m.content}\n`;
    else if (m.role === 'user') out += `User: ${m.content}\n`;
    else {
      const content =
        options.keepHistoryThinking && m.reasoning
          ? formatAssistantWithThinking(m.reasoning, m.content)
          : m.content;
      out += `Assistant: ${content}${eos}\n`;
    }
  }
  if (options.addGenerationPrompt ?? true) {
    out += `Assistant: ${THINK_OPEN}\n`;
    if (options.enableThinking === false) out += `\n${THINK_CLOSE}\n\n`;
  }
  return out;
}

/**
 * One SFT example rendered with the student template, split at the point where loss starts:
 * `prompt` (no loss) ends with the pre-opened `<think>\n`; `completion` (loss) is reasoning, close tag, answer, EOS.
 */
export function renderStudentTrainingExample(
  prompt: string,
  reasoning: string,
  answer: string,
  options: { bos?: string; eos?: string; withThinking?: boolean } = {},
): { prompt: string; completion: string } {
  const eos = options.eos ?? '</s>';
  const head = renderStudentPrompt([{ role: 'user', content: prompt }], { bos: options.bos ?? '<s>' });
  const completion =
    options.withThinking === false
      ? `\n${THINK_CLOSE}\n\n${answer.trim()}${eos}`
      : `${reasoning.trim()}\n${THINK_CLOSE}\n\n${answer.trim()}${eos}`;
  return { prompt: head, completion };
}
