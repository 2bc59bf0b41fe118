import { existsSync, readFileSync } from 'node:fs';
import {
  formatAssistantWithThinking,
  renderStudentPrompt,
  STUDENT_CHAT_TEMPLATE,
  STUDENT_TEMPLATE_ID,
  splitAssistantThinking,
  THINK_CLOSE,
  THINK_OPEN,
} from '../core/chat-format.ts';
import type { ChatMessage } from '../core/chat-model.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { builtinTemplateNames, chooseBuiltin, renderBuiltin } from './builtin-template.ts';
import { JinjaTemplate, type TemplateMessage } from './jinja-template.ts';
import { ollamaTemplateFor } from './ollama-templates.ts';

/**
 * Template names Distill knows besides llama.cpp's built-ins: its student format, and the official DeepSeek-R1
 * Distill and Qwen3 Jinja templates (for GGUFs whose own template is missing or broken).
 */
export const TEMPLATE_IDS = [STUDENT_TEMPLATE_ID, 'deepseek-r1', 'qwen3'] as const;
/** A template name (see {@link TEMPLATE_IDS}, or a llama.cpp built-in) or the path of a `.jinja` file. */
export type TemplateId = string;

export interface RenderOptions {
  /** Defaults to true. With false, the prompt ends with an empty closed thinking block. */
  enableThinking?: boolean;
  /** Keep earlier assistant thinking in history. Defaults to false (R1 rule: strip it). */
  keepHistoryThinking?: boolean;
  /** The clock for templates that print today's date. Defaults to now. */
  now?: Date;
}

/** Where the model's thinking starts: inside the prompt (R1-Distill), opened by the model (Qwen3), or nowhere. */
export type ThinkingStart = 'pre-opened' | 'model-opened' | 'none';

/** How a model's chat format renders prompts and where its output starts. */
export interface ChatTemplate {
  /** `distill-student-v1`, `gguf` (the GGUF's own Jinja), a llama.cpp built-in name, or a file path. */
  id: string;
  /** Where the format comes from, in words (`distill model info`, the top of `distill chat`). */
  description: string;
  render(messages: ChatMessage[], options?: RenderOptions): string;
  /** Where the model's output starts: inside pre-opened thinking, or `detect` (the model may open it). */
  startInReasoning: boolean | 'detect';
  thinkingStart: ThinkingStart;
  /** Thinking can be switched off per turn. */
  supportsThinkingToggle: boolean;
  /** Stop strings besides end-of-generation tokens (e.g. a next-turn marker). */
  stop: string[];
  /** The Ollama Modelfile TEMPLATE (Go template) for the same format, where Distill has one. */
  ollamaTemplate: string | undefined;
}

export interface TemplateModelInfo {
  chatTemplate: string | undefined;
  metadata: Record<string, string>;
  bosToken: string;
  eosToken: string;
  /** `general.architecture`, for the built-in fallback. Defaults to the metadata's. */
  architecture?: string;
}

/** Assistant history content: thinking stripped (default) or kept inline. */
function historyContent(m: ChatMessage, keep: boolean): string {
  const inline = splitAssistantThinking(m.content);
  const reasoning = m.reasoning ?? (m.content.includes(THINK_CLOSE) ? inline.reasoning : '');
  const answer = m.content.includes(THINK_CLOSE) ? inline.answer : m.content;
  return keep && reasoning ? formatAssistantWithThinking(reasoning, answer) : answer;
}

function templateMessages(messages: ChatMessage[], keep: boolean): TemplateMessage[] {
  return messages.map((m) =>
    m.role === 'assistant'
      ? { role: m.role, content: historyContent(m, keep) }
      : { role: m.role, content: m.content },
  );
}

function student(bos: string, eos: string): ChatTemplate {
  return {
    id: STUDENT_TEMPLATE_ID,
    description: `${STUDENT_TEMPLATE_ID} (Distill student)`,
    // Proven identical to STUDENT_CHAT_TEMPLATE rendered by Jinja (jinja-template.test.ts); it is also what
    // the trainer tokenises, and it renders GGUFs written before that template's trim_blocks fix the same way.
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
    thinkingStart: 'pre-opened',
    supportsThinkingToggle: true,
    stop: ['\nUser:'],
    ollamaTemplate: ollamaTemplateFor(STUDENT_CHAT_TEMPLATE, eos),
  };
}

type RawRender = (messages: TemplateMessage[], enableThinking: boolean | undefined, now?: Date) => string;

const PROBE = '\u0001distill-probe\u0001';

/**
 * A chat format from a raw renderer: finds where thinking starts by rendering a probe turn (ends in `<think>`:
 * pre-opened; the template mentions `<think>` or `</think>`: model-opened; else none) and how thinking is switched off
 * (the template's `enable_thinking`, else an empty closed block written after the prompt).
 */
function fromRenderer(
  id: string,
  description: string,
  raw: RawRender,
  source: string | undefined,
  eos: string,
  textThinking = false,
): ChatTemplate {
  const probe = [{ role: 'user', content: PROBE }];
  const prompt = raw(probe, undefined);
  const tail = prompt.slice(prompt.lastIndexOf(PROBE) + PROBE.length);
  const preOpened = /<think>\s*$/.test(tail);
  const mentions = (source ?? '').includes(THINK_OPEN) || (source ?? '').includes(THINK_CLOSE);
  // A model trained with <think> text (distill.thinking_format=text) opens thinking itself, in any template.
  const thinkingStart: ThinkingStart = preOpened
    ? 'pre-opened'
    : mentions || textThinking
      ? 'model-opened'
      : 'none';
  const hasVariable = (source ?? '').includes('enable_thinking');
  const byVariable = hasVariable && raw(probe, false) !== raw(probe, true);
  const stop = [
    '<|im_end|>',
    '<|eot_id|>',
    '<end_of_turn>',
    '<｜end▁of▁sentence｜>',
    ...(source?.includes('<|channel|>') ? [] : ['<|end|>']),
  ].filter((marker) => (source ?? prompt).includes(marker));
  return {
    id,
    description: `${description}; thinking ${thinkingStart === 'none' ? 'not marked' : thinkingStart}`,
    render: (messages, o = {}) => {
      const msgs = templateMessages(messages, o.keepHistoryThinking ?? false);
      const off = o.enableThinking === false;
      if (byVariable) return raw(msgs, !off, o.now);
      const out = raw(msgs, hasVariable ? !off : undefined, o.now);
      if (!off || thinkingStart === 'none') return out;
      if (thinkingStart === 'pre-opened')
        return `${out}${out.endsWith('\n') ? '' : '\n'}\n${THINK_CLOSE}\n\n`;
      return `${out}${THINK_OPEN}\n\n${THINK_CLOSE}\n\n`;
    },
    startInReasoning: preOpened ? true : 'detect',
    thinkingStart,
    supportsThinkingToggle: thinkingStart !== 'none' || byVariable,
    stop,
    ollamaTemplate: ollamaTemplateFor(source ?? prompt, eos),
  };
}

function jinja(
  id: string,
  description: string,
  source: string,
  bos: string,
  eos: string,
  textThinking = false,
): ChatTemplate {
  const template = new JinjaTemplate(source, description);
  return fromRenderer(
    id,
    description,
    (messages, enableThinking, now) =>
      template.render({
        messages,
        addGenerationPrompt: true,
        bosToken: bos,
        eosToken: eos,
        ...(enableThinking === undefined ? {} : { enableThinking }),
        ...(now ? { now } : {}),
      }),
    source,
    eos,
    textThinking,
  );
}

function builtin(name: string, why: string, eos: string, textThinking = false): ChatTemplate {
  return fromRenderer(
    name,
    `llama.cpp built-in '${name}' (${why})`,
    (messages) => renderBuiltin(name, messages, true),
    undefined,
    eos,
    textThinking,
  );
}

/** Distill's bundled Jinja templates for the named formats. */
function bundled(name: 'deepseek-r1' | 'qwen3'): string {
  const file = name === 'deepseek-r1' ? 'deepseek-r1-distill-qwen.jinja' : 'qwen3-hybrid.jinja';
  return readFileSync(new URL(`./fixtures/templates/${file}`, import.meta.url), 'utf8');
}

/**
 * `distill.thinking_format` (`student`, `native` or `text`): written into every GGUF Distill trains, so the runtime
 * knows a model trained with `<think>` text in a template that has no thinking format of its own.
 */
export const THINKING_FORMAT_KEY = 'distill.thinking_format';

/** True for Distill's own student format (by metadata or by the template text). */
export function isStudentTemplate(info: TemplateModelInfo): boolean {
  const t = info.chatTemplate ?? '';
  return (
    info.metadata['distill.template_id'] === STUDENT_TEMPLATE_ID ||
    t === STUDENT_CHAT_TEMPLATE ||
    t.includes('Assistant: <think>')
  );
}

function byName(name: string, info: TemplateModelInfo): ChatTemplate {
  const bos = info.bosToken;
  const eos = info.eosToken;
  if (name === STUDENT_TEMPLATE_ID) return student(bos || '<s>', eos || '</s>');
  if (name === 'deepseek-r1' || name === 'qwen3')
    return jinja(name, `${name} (Distill's bundled Jinja)`, bundled(name), bos, eos);
  const names = builtinTemplateNames();
  if (names.includes(name)) return builtin(name, 'chosen with --template', eos);
  if (name.endsWith('.jinja') || name.includes('/') || existsSync(name)) {
    if (!existsSync(name))
      throw new InvalidInputError(`template file ${name} does not exist`, {
        hint: 'pass a .jinja file that exists, or a template name',
      });
    return jinja(name, `Jinja file ${name}`, readFileSync(name, 'utf8'), bos, eos);
  }
  throw new InvalidInputError(`unknown template '${name}'`, {
    hint: `use a .jinja file, one of ${TEMPLATE_IDS.join(', ')}, or a llama.cpp built-in: ${names.join(', ')}`,
  });
}

/**
 * The chat format of a GGUF: an explicit `override` (a name or a `.jinja` file) first; else Distill's student
 * format; else the GGUF's own Jinja `tokenizer.chat_template`; else llama.cpp's built-in template for its special
 * tokens (`hasToken`) or architecture.
 */
export function selectTemplate(
  info: TemplateModelInfo,
  override?: TemplateId,
  options: { hasToken?: (text: string) => boolean } = {},
): ChatTemplate {
  if (override) return byName(override, info);
  if (isStudentTemplate(info)) return student(info.bosToken || '<s>', info.eosToken || '</s>');
  const textThinking = info.metadata[THINKING_FORMAT_KEY] === 'text';
  if (info.chatTemplate)
    return jinja(
      'gguf',
      `the GGUF's chat template (Jinja)${textThinking ? ', trained with <think> text' : ''}`,
      info.chatTemplate,
      info.bosToken,
      info.eosToken,
      textThinking,
    );
  const arch = info.architecture ?? info.metadata['general.architecture'] ?? 'unknown';
  const choice = chooseBuiltin(arch, options.hasToken);
  return builtin(choice.name, `no template in the GGUF; ${choice.reason}`, info.eosToken, textThinking);
}
