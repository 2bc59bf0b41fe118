import {
  formatAssistantWithThinking,
  renderStudentPrompt,
  STUDENT_CHAT_TEMPLATE,
  STUDENT_TEMPLATE_ID,
  splitAssistantThinking,
  THINK_CLOSE,
} from '../core/chat-format.ts';
import type { ChatMessage } from '../core/chat-model.ts';
import { ModelError } from '../core/errors/model-error.ts';

export const TEMPLATE_IDS = [STUDENT_TEMPLATE_ID, 'deepseek-r1', 'qwen3', 'chatml'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface RenderOptions {
  /** Defaults to true. With false, the prompt ends with an empty closed thinking block. */
  enableThinking?: boolean;
  /** Keep earlier assistant thinking in history. Defaults to false (R1 rule: strip it). */
  keepHistoryThinking?: boolean;
}

/** How a model's chat format renders prompts and where its output starts. */
export interface ChatTemplate {
  id: TemplateId;
  render(messages: ChatMessage[], options?: RenderOptions): string;
  /** Where the model's output starts: inside pre-opened thinking (R1, students) or `detect` (Qwen3 opens it). */
  startInReasoning: boolean | 'detect';
  /** Thinking can be switched off per turn. */
  supportsThinkingToggle: boolean;
  /** Stop strings besides end-of-generation tokens (e.g. a next-turn marker). */
  stop: string[];
  /** The Ollama Modelfile TEMPLATE (Go template) for the same format. */
  ollamaTemplate: string;
}

const EMPTY_THINK = `\n${THINK_CLOSE}\n\n`;

/** Assistant history content: thinking stripped (default) or kept inline. */
function historyContent(m: ChatMessage, keep: boolean): string {
  const inline = splitAssistantThinking(m.content);
  const reasoning = m.reasoning ?? (m.content.includes(THINK_CLOSE) ? inline.reasoning : '');
  const answer = m.content.includes(THINK_CLOSE) ? inline.answer : m.content;
  return keep && reasoning ? formatAssistantWithThinking(reasoning, answer) : answer;
}

function student(bos: string, eos: string): ChatTemplate {
  return {
    id: STUDENT_TEMPLATE_ID,
    render: (messages, o = {}) =>
      renderStudentPrompt(
        messages.map((m) => (m.role === 'assistant' ? { ...m, content: historyContent(m, false) } : m)),
        {
          bos,
          eos,
          enableThinking: o.enableThinking ?? true,
          keepHistoryThinking: o.keepHistoryThinking ?? false,
        },
      ),
    startInReasoning: true,
    supportsThinkingToggle: true,
    stop: ['\nUser:'],
    ollamaTemplate:
      '{{ if .System }}System: {{ .System }}\n{{ end }}{{ range .Messages }}{{ if eq .Role "user" }}User: {{ .Content }}\n' +
      `{{ else if eq .Role "assistant" }}Assistant: {{ .Content }}${eos}\n{{ end }}{{ end }}Assistant: <think>\n`,
  };
}

function deepseekR1(bos: string): ChatTemplate {
  return {
    id: 'deepseek-r1',
    render: (messages, o = {}) => {
      let out = bos;
      for (const m of messages) {
        if (m.role === 'system') out += m.content;
        else if (m.role === 'user') out += `<｜User｜>${m.content}`;
        else
          out += `<｜Assistant｜>${historyContent(m, o.keepHistoryThinking ?? false)}<｜end▁of▁sentence｜>`;
      }
      return `${out}<｜Assistant｜><think>\n${o.enableThinking === false ? EMPTY_THINK : ''}`;
    },
    startInReasoning: true,
    supportsThinkingToggle: true,
    stop: [],
    ollamaTemplate:
      '{{- if .System }}{{ .System }}{{ end }}{{- range .Messages }}{{- if eq .Role "user" }}<｜User｜>{{ .Content }}' +
      '{{- else if eq .Role "assistant" }}<｜Assistant｜>{{ .Content }}<｜end▁of▁sentence｜>{{ end }}{{- end }}<｜Assistant｜><think>\n',
  };
}

function chatml(id: 'qwen3' | 'chatml'): ChatTemplate {
  return {
    id,
    render: (messages, o = {}) => {
      let out = '';
      for (const m of messages) {
        const content =
          m.role === 'assistant' ? historyContent(m, o.keepHistoryThinking ?? false) : m.content;
        out += `<|im_start|>${m.role}\n${content}<|im_end|>\n`;
      }
      out += '<|im_start|>assistant\n';
      if (id === 'qwen3' && o.enableThinking === false) out += `<think>\n${EMPTY_THINK}`;
      return out;
    },
    startInReasoning: 'detect',
    supportsThinkingToggle: id === 'qwen3',
    stop: ['<|im_end|>'],
    ollamaTemplate:
      '{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{- range .Messages }}<|im_start|>{{ .Role }}\n' +
      '{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n',
  };
}

/**
 * Pick the chat format from a GGUF's `tokenizer.chat_template` (and `distill.template_id`): Distill students,
 * DeepSeek-R1 (pre-opened `<think>`), Qwen3 (thinking switch), plain ChatML.
 */
export function selectTemplate(
  info: {
    chatTemplate: string | undefined;
    metadata: Record<string, string>;
    bosToken: string;
    eosToken: string;
  },
  override?: TemplateId,
): ChatTemplate {
  const t = info.chatTemplate ?? '';
  const id: TemplateId | undefined =
    override ??
    (info.metadata['distill.template_id'] === STUDENT_TEMPLATE_ID ||
    t === STUDENT_CHAT_TEMPLATE ||
    t.includes('Assistant: <think>')
      ? STUDENT_TEMPLATE_ID
      : t.includes('<｜Assistant｜>')
        ? 'deepseek-r1'
        : t.includes('<|im_start|>')
          ? t.includes('<think>') || t.includes('enable_thinking')
            ? 'qwen3'
            : 'chatml'
          : undefined);
  switch (id) {
    case STUDENT_TEMPLATE_ID:
      return student(info.bosToken || '<s>', info.eosToken || '</s>');
    case 'deepseek-r1':
      return deepseekR1(info.bosToken);
    case 'qwen3':
    case 'chatml':
      return chatml(id);
    default:
      throw new ModelError(t ? 'unsupported chat template in this GGUF' : 'this GGUF has no chat template', {
        hint: `pass a template explicitly: one of ${TEMPLATE_IDS.join(', ')}`,
      });
  }
}
