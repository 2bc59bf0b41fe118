import type { ChatMessage, ChatModel, ChatRequest, GenerationControl } from '../core/chat-model.ts';
import type { StreamPart } from '../core/stream-part.ts';

export interface ChatSettings {
  /** Thinking on/off. Defaults to true. */
  thinking: boolean;
  /** Thinking token budget; undefined = none. */
  budget?: number;
  /** Tokens per reply (thinking + answer). Defaults to 1024. */
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  system?: string;
}

/** What a slash command did, for the terminal to show. */
export interface CommandResult {
  message: string;
  exit?: boolean;
  clear?: boolean;
  show?: boolean;
}

export const CHAT_HELP = [
  '/budget N    cap thinking at N tokens (/budget off: no cap)',
  '/think on|off  switch thinking',
  '/clear       forget the conversation',
  '/show        print the last thinking in full',
  '/exit        quit (or Ctrl-D)',
  'while generating: t = fold/unfold thinking, a = answer now, Esc = stop',
].join('\n');

/**
 * A multi-turn conversation with a ChatModel: keeps history (earlier thinking kept on the message, stripped from
 * the prompt by the runtime), per-turn settings and the slash commands of `distill chat`.
 */
export class ChatSession {
  readonly settings: ChatSettings;
  private history: ChatMessage[] = [];
  private readonly model: ChatModel;
  lastReasoning = '';

  constructor(model: ChatModel, settings: Partial<ChatSettings> = {}) {
    this.model = model;
    this.settings = { thinking: true, maxTokens: 1024, ...settings };
  }

  get messages(): readonly ChatMessage[] {
    return this.history;
  }

  /** The request the next turn sends. */
  request(text: string): ChatRequest {
    const s = this.settings;
    return {
      messages: [
        ...(s.system ? [{ role: 'system' as const, content: s.system }] : []),
        ...this.history,
        { role: 'user', content: text },
      ],
      maxTokens: s.maxTokens,
      ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
      ...(s.topP !== undefined ? { topP: s.topP } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      // A person wants an answer: keep room for it within maxTokens (the trace still records the forced end).
      thinking: {
        enabled: s.thinking,
        reserveAnswer: true,
        ...(s.budget !== undefined ? { budgetTokens: s.budget } : {}),
      },
    };
  }

  /** Send a user turn; the reply joins the history when the stream ends (also when stopped early). */
  async *send(
    text: string,
    options: { signal?: AbortSignal; control?: (c: GenerationControl) => void } = {},
  ): AsyncGenerator<StreamPart> {
    const request = this.request(text);
    let reasoning = '';
    let answer = '';
    try {
      for await (const part of this.model.stream(request, options)) {
        if (part.type === 'reasoning-delta') reasoning += part.delta;
        if (part.type === 'text-delta') answer += part.delta;
        yield part;
      }
    } finally {
      this.lastReasoning = reasoning;
      this.history.push(
        { role: 'user', content: text },
        { role: 'assistant', content: answer.trim(), reasoning },
      );
    }
  }

  clear(): void {
    this.history = [];
    this.lastReasoning = '';
  }

  /** Handle `/…` lines; returns undefined for ordinary text. */
  command(line: string): CommandResult | undefined {
    const [cmd, arg] = line.trim().split(/\s+/, 2);
    if (!cmd?.startsWith('/')) return undefined;
    switch (cmd) {
      case '/budget': {
        if (arg === 'off' || arg === 'none') {
          this.settings.budget = undefined;
          return { message: 'thinking budget: none' };
        }
        const n = Number(arg);
        if (!Number.isInteger(n) || n < 0)
          return { message: 'usage: /budget N (tokens, ≥ 0) or /budget off' };
        this.settings.budget = n;
        return { message: `thinking budget: ${n} tokens` };
      }
      case '/think':
        if (arg !== 'on' && arg !== 'off') return { message: 'usage: /think on|off' };
        this.settings.thinking = arg === 'on';
        return { message: `thinking ${arg}` };
      case '/clear':
        this.clear();
        return { message: 'conversation cleared', clear: true };
      case '/show':
        return { message: this.lastReasoning || '(no thinking yet)', show: true };
      case '/exit':
      case '/quit':
        return { message: '', exit: true };
      case '/help':
        return { message: CHAT_HELP };
      default:
        return { message: `unknown command ${cmd}; /help lists them` };
    }
  }
}
