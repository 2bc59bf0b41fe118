import { THINK_CLOSE, THINK_OPEN } from '../core/chat-format.ts';
import type { StreamPart } from '../core/stream-part.ts';
import { StreamPartWriter } from '../core/stream-part-writer.ts';
import { ThinkParser } from '../core/think-parser.ts';
import type { FinishReason, ThinkingEnd } from '../core/trace.ts';
import type { NativeModel } from './native-model.ts';
import type { Sampler } from './sampler.ts';
import type { DecodeJob } from './scheduler.ts';
import { StopMatcher } from './stop-matcher.ts';

/** Default wrap-up written before a budget closes thinking (short, so tiny models lose little room). */
export const DEFAULT_WRAP_UP = 'Time is up; answering now.\n';
/** Written when the model tries to stop thinking before the minimum (s1 budget forcing). */
export const DEFAULT_WAIT = '\nWait';

export interface ThinkingPlan {
  /** Thinking happens at all (false: the prompt already closed it). */
  enabled: boolean;
  /** Maximum thinking tokens, wrap-up and `</think>` included. Defaults to no budget. */
  budgetTokens?: number;
  /** Minimum thinking tokens before `</think>` or end-of-generation is accepted. Defaults to 0. */
  minTokens?: number;
  /** Defaults to {@link DEFAULT_WRAP_UP}. */
  wrapUp?: string;
  /** Defaults to {@link DEFAULT_WAIT}. */
  wait?: string;
  /**
   * End thinking early (with the wrap-up) when `maxTokens` would otherwise cut it, keeping room for an answer.
   * Defaults to false: `maxTokens` is a hard stop, reported as `length` with thinking `cut`.
   */
  reserveAnswer?: boolean;
  /** Tokens kept free for the answer when `reserveAnswer` is on. Defaults to max(8, maxTokens/4), ≤ 256. */
  answerReserve?: number;
}

export interface GenerationSettings {
  prompt: number[];
  maxTokens: number;
  sampler: Sampler;
  stop: string[];
  startInReasoning: boolean | 'detect';
  thinking: ThinkingPlan;
  signal?: AbortSignal;
  /** When the request arrived (for time to first token). */
  startedAt: number;
  /** Called with each sampled token (not injected ones) and its logits, before its text streams (logprobs). */
  onSample?: (token: number, logits: Float32Array, phase: 'reasoning' | 'text') => void;
}

/**
 * One generation as a {@link DecodeJob}: samples, steers thinking (budget with a graceful line-boundary wrap-up,
 * opt-in answer reserve, minimum-thinking "Wait", answer-now), applies stop strings, and streams StreamParts.
 * Token accounting is exact: usage.reasoning + usage.output = every token appended after the prompt.
 * The `finish` part says how thinking ended (`thinkingEnd`); the wrap-up line the runtime writes is fed to the
 * model but never shown as reasoning.
 */
export class Generation implements DecodeJob {
  readonly input: number[];
  readonly signal: AbortSignal | undefined;
  private readonly model: NativeModel;
  private readonly s: GenerationSettings;
  private readonly push: (part: StreamPart) => void;
  private readonly onDone: (error?: unknown) => void;
  private readonly parser: ThinkParser;
  private readonly writer: StreamPartWriter;
  private readonly stopper: StopMatcher;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly openToken: number | undefined;
  private readonly closeToken: number | undefined;
  private generated = 0;
  private reasoningTokens = 0;
  private outputTokens = 0;
  private answerVisible = false;
  private forcedClose = false;
  /** How thinking ended, once it did. */
  private thinkingEnd: ThinkingEnd | undefined;
  /** True while the runtime's own wrap-up is fed: the model sees it, the reasoning stream does not. */
  private muteReasoning = false;
  private answerNowRequested = false;
  private lastChar = '\n';
  private finished = false;
  private firstAt: number | undefined;
  private thinkingEndAt: number | undefined;

  constructor(
    model: NativeModel,
    settings: GenerationSettings,
    push: (part: StreamPart) => void,
    onDone: (error?: unknown) => void,
  ) {
    this.model = model;
    this.s = settings;
    this.input = settings.prompt;
    this.signal = settings.signal;
    this.push = push;
    this.onDone = onDone;
    this.parser = new ThinkParser({
      startInReasoning: settings.thinking.enabled ? settings.startInReasoning : false,
    });
    this.writer = new StreamPartWriter();
    this.stopper = new StopMatcher(settings.stop);
    this.openToken = model.singleToken(THINK_OPEN);
    this.closeToken = model.singleToken(THINK_CLOSE);
  }

  /** Force the end of thinking at the next token (no-op once thinking ended). */
  answerNow(): void {
    this.answerNowRequested = true;
  }

  private get thinking(): boolean {
    return this.parser.phase === 'reasoning';
  }

  private readonly closeCache = new Map<string, number[]>();

  /** Tokens that close thinking from here: newline if needed, optional wrap-up, `</think>`, blank line. */
  private closeTokens(withWrapUp: boolean): number[] {
    const wrap = withWrapUp ? (this.s.thinking.wrapUp ?? DEFAULT_WRAP_UP) : '';
    const text = `${this.lastChar === '\n' ? '' : '\n'}${wrap}${THINK_CLOSE}\n\n`;
    let tokens = this.closeCache.get(text);
    if (!tokens) {
      tokens = this.model.tokenize(text);
      this.closeCache.set(text, tokens);
    }
    return tokens;
  }

  /** Token count at which thinking must be closed (Infinity: never), and what imposes it. */
  private thinkingLimit(): { limit: number; cause: ThinkingEnd } {
    const t = this.s.thinking;
    const budget = t.budgetTokens ?? Number.POSITIVE_INFINITY;
    if (!t.reserveAnswer) return { limit: budget, cause: 'budget' };
    const reserve = t.answerReserve ?? Math.min(256, Math.max(8, Math.floor(this.s.maxTokens / 4)));
    const cap = this.s.maxTokens - reserve;
    return cap < budget ? { limit: cap, cause: 'max-tokens-reserve' } : { limit: budget, cause: 'budget' };
  }

  /** Decide whether to close thinking now; returns the tokens to inject (and why), or undefined. */
  private closeNow(): { tokens: number[]; cause: ThinkingEnd; wrapUp: boolean } | undefined {
    if (!this.thinking || this.forcedClose) return undefined;
    if (this.answerNowRequested)
      return { tokens: this.closeTokens(false), cause: 'answer-now', wrapUp: false };
    const { limit, cause } = this.thinkingLimit();
    if (limit === Number.POSITIVE_INFINITY) return undefined;
    const plain = this.closeTokens(false).length;
    const wrapped = this.closeTokens(true);
    const useWrap = limit >= 4 * wrapped.length;
    const need = useWrap ? wrapped.length : plain;
    const grace = Math.min(32, Math.floor(limit / 4));
    const r = this.reasoningTokens;
    const hard = r + need >= limit;
    const soft = r + need >= limit - grace && this.lastChar === '\n';
    if (!hard && !soft) return undefined;
    return { tokens: useWrap ? wrapped : this.closeTokens(false), cause, wrapUp: useWrap };
  }

  step(logits: Float32Array): number[] | null {
    if (this.finished) return null;
    const now = performance.now();
    this.firstAt ??= now;
    const forced = this.closeNow();
    if (forced) {
      this.forcedClose = true;
      this.thinkingEnd = forced.cause;
      let tokens = forced.tokens;
      // Too little room left for newline + tag + blank line + an answer: just the tag.
      if (this.generated + tokens.length >= this.s.maxTokens) tokens = this.model.tokenize(THINK_CLOSE);
      this.muteReasoning = forced.wrapUp;
      try {
        return this.feed(tokens, 'inject');
      } finally {
        this.muteReasoning = false;
      }
    }
    const answerBlank = !this.thinking && !this.answerVisible && this.parser.phase !== 'detect';
    const lastToken = this.generated + 1 >= this.s.maxTokens;
    const model = this.model;
    let allowed: ((t: number) => boolean) | undefined;
    if (answerBlank && (this.forcedClose || lastToken))
      allowed = (t) => model.isVisible(t) && t !== this.closeToken && t !== this.openToken;
    else if (answerBlank) allowed = (t) => !model.isEog(t) && t !== this.closeToken && t !== this.openToken;
    const token = this.s.sampler.sample(logits, allowed);
    const endsThinking = this.thinking && (token === this.closeToken || model.isEog(token));
    if (endsThinking && this.reasoningTokens < (this.s.thinking.minTokens ?? 0)) {
      return this.feed(model.tokenize(this.s.thinking.wait ?? DEFAULT_WAIT), 'inject');
    }
    if (this.thinking && model.isEog(token)) {
      // The model stopped inside thinking: close it so an answer follows.
      return this.feed(this.closeTokens(false), 'inject');
    }
    if (model.isEog(token)) return this.finish('stop');
    if (this.s.onSample) {
      const opens = this.parser.phase === 'detect' && token === this.openToken;
      this.s.onSample(token, logits, this.thinking || opens ? 'reasoning' : 'text');
    }
    return this.feed([token], 'sample');
  }

  private feed(tokens: number[], _how: 'sample' | 'inject'): number[] | null {
    for (const t of tokens) {
      const was = this.thinking;
      const text = this.decoder.decode(this.model.pieceBytes(t), { stream: true });
      const { emit, stopped } = this.stopper.push(text);
      this.emitText(emit);
      this.generated++;
      if (was || this.thinking) this.reasoningTokens++;
      else this.outputTokens++;
      if (was && !this.thinking) {
        this.thinkingEndAt = performance.now();
        this.thinkingEnd ??= 'natural';
      }
      if (stopped) return this.finish('stop');
      if (this.generated >= this.s.maxTokens) return this.finish('length');
    }
    return tokens;
  }

  private emitText(text: string): void {
    if (text === '') return;
    this.lastChar = text[text.length - 1] as string;
    for (const seg of this.parser.push(text)) {
      if (seg.kind === 'reasoning' && this.muteReasoning) continue;
      if (seg.kind === 'text' && seg.text.trim() !== '') this.answerVisible = true;
      for (const part of this.writer.write(seg.kind, seg.text)) this.push(part);
    }
  }

  private finish(reason: FinishReason, error?: unknown): null {
    if (this.finished) return null;
    this.finished = true;
    if (reason === 'error') {
      this.onDone(error);
      return null;
    }
    try {
      this.finishParts(reason);
    } catch (failure) {
      // Whatever happens while flushing, the caller's stream must settle (never leave a pending promise).
      this.onDone(failure);
    }
    return null;
  }

  private finishParts(reason: FinishReason): void {
    this.emitText(this.decoder.decode());
    this.emitText(this.stopper.flush());
    for (const part of this.writer.segments(this.parser.flush())) this.push(part);
    for (const part of this.writer.close()) this.push(part);
    const end = performance.now();
    const first = this.firstAt ?? end;
    const decodeSeconds = (end - first) / 1000;
    this.push({
      type: 'finish',
      finishReason: reason,
      thinkingEnd: this.thinkingEnd ?? (this.parser.hadThinking ? 'cut' : 'none'),
      usage: { input: this.input.length, reasoning: this.reasoningTokens, output: this.outputTokens },
      timing: {
        ttftMs: this.firstAt === undefined ? undefined : first - this.s.startedAt,
        thinkingMs: this.parser.hadThinking ? (this.thinkingEndAt ?? end) - first : 0,
        totalMs: end - this.s.startedAt,
        tokensPerSecond: decodeSeconds > 0 ? this.generated / decodeSeconds : undefined,
      },
    });
    this.onDone();
  }

  end(reason: 'abort' | 'length' | 'error', error?: unknown): void {
    this.finish(reason, reason === 'error' ? error : undefined);
  }
}
