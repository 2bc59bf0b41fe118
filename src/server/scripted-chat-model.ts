import type { ChatModel, ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { AbortedError } from '../core/errors/aborted-error.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { ThinkingEnd } from '../core/trace.ts';

export interface ScriptedChatModelOptions {
  /** Model id. Defaults to `scripted`. */
  id?: string;
  /** Thinking tokens when no budget applies. Defaults to 12. */
  thinkingTokens?: number;
  /** Delay before each token, in ms. Defaults to 0. */
  tokenDelayMs?: number;
  /** Emit an `error` part after this many tokens. Defaults to never. */
  failAfterTokens?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A deterministic ChatModel for server tests and UI work without a GGUF: it "thinks" `step 1 … step K`
 * (one token each) and answers `Answer: <last user message>`. It honours the port's contract: thinking on/off,
 * thinking budgets, `maxTokens` (a cut in thinking finishes with `length` and no answer), `answerNow`, aborts,
 * and reports how thinking ended (`thinkingEnd`) like the runtime.
 * It records every request it receives in `requests`.
 */
export class ScriptedChatModel implements ChatModel {
  readonly id: string;
  readonly requests: ChatRequest[] = [];
  /** Number of streams running right now, and the most seen at once. */
  active = 0;
  maxActive = 0;
  readonly #options: ScriptedChatModelOptions;

  constructor(options: ScriptedChatModelOptions = {}) {
    this.id = options.id ?? 'scripted';
    this.#options = options;
  }

  async *stream(
    request: ChatRequest,
    options: { signal?: AbortSignal; control?: (c: GenerationControl) => void } = {},
  ): AsyncIterable<StreamPart> {
    this.requests.push(request);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      yield* this.#generate(request, options);
    } finally {
      this.active -= 1;
    }
  }

  async *#generate(
    request: ChatRequest,
    options: { signal?: AbortSignal; control?: (c: GenerationControl) => void },
  ): AsyncGenerator<StreamPart> {
    const { signal } = options;
    let answerNow = false;
    options.control?.({ answerNow: () => (answerNow = true) });
    const started = performance.now();
    const maxTokens = request.maxTokens ?? Number.POSITIVE_INFINITY;
    const thinkingOn = request.thinking?.enabled !== false;
    const thinkLimit = Math.min(
      this.#options.thinkingTokens ?? 12,
      request.thinking?.budgetTokens ?? Number.POSITIVE_INFINITY,
    );
    const last = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const answer = ['Answer:', ...last.split(/\s+/).filter(Boolean)].map((w, i) => (i ? ` ${w}` : w));
    let reasoning = 0;
    let output = 0;
    const tick = async () => {
      await sleep(this.#options.tokenDelayMs ?? 0, signal);
      if (signal?.aborted) throw new AbortedError('Generation aborted');
      if (this.#options.failAfterTokens !== undefined && reasoning + output >= this.#options.failAfterTokens)
        return false;
      return true;
    };
    const natural = this.#options.thinkingTokens ?? 12;
    let thinkingEnd: ThinkingEnd = thinkingOn ? 'cut' : 'none';
    const finish = (finishReason: 'stop' | 'length'): StreamPart => ({
      type: 'finish',
      finishReason,
      usage: { input: request.messages.length * 5, reasoning, output },
      timing: { totalMs: performance.now() - started },
      thinkingEnd,
    });
    if (thinkingOn) {
      yield { type: 'reasoning-start', id: 'r0' };
      while (reasoning < thinkLimit && !answerNow) {
        if (reasoning >= maxTokens) return yield finish('length');
        if (!(await tick())) return yield { type: 'error', error: 'scripted failure', code: 'E_SCRIPTED' };
        reasoning += 1;
        yield { type: 'reasoning-delta', id: 'r0', delta: `${reasoning > 1 ? ' ' : ''}step ${reasoning}` };
      }
      thinkingEnd = answerNow ? 'answer-now' : reasoning < natural ? 'budget' : 'natural';
      yield { type: 'reasoning-end', id: 'r0' };
    }
    yield { type: 'text-start', id: 't0' };
    for (const word of answer) {
      if (reasoning + output >= maxTokens) return yield finish('length');
      if (request.stop?.some((s) => word.includes(s))) break;
      if (!(await tick())) return yield { type: 'error', error: 'scripted failure', code: 'E_SCRIPTED' };
      output += 1;
      yield { type: 'text-delta', id: 't0', delta: word };
    }
    yield { type: 'text-end', id: 't0' };
    yield finish('stop');
  }
}
