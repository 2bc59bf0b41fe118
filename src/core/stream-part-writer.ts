import type { StreamPart } from './stream-part.ts';
import type { ThinkSegment } from './think-parser.ts';
import type { FinishReason, ThinkingEnd, Timing, Usage } from './trace.ts';

/**
 * The one StreamPart writer: turns "here is some reasoning / some answer text" into well-formed StreamParts
 * (`reasoning-start` before the first thinking delta, `reasoning-end` before the answer starts,
 * `text-start`/`text-end` around the answer, one id per block), and counts characters so usage can be split when a
 * provider reports only total completion tokens. Used by the runtime and by every teacher adapter. Each method
 * returns the parts to emit, in order.
 */
export class StreamPartWriter {
  private open: 'reasoning' | 'text' | undefined;
  private blocks = 0;
  private id = '';
  reasoningChars = 0;
  textChars = 0;

  /** A delta of thinking (`reasoning`) or answer (`text`); empty text writes nothing. */
  write(kind: ThinkSegment['kind'], text: string): StreamPart[] {
    if (text === '') return [];
    const out: StreamPart[] = [];
    this.writeTo(out, kind, text);
    return out;
  }

  /** {@link write}, appending to `out` (no array per delta). */
  private writeTo(out: StreamPart[], kind: ThinkSegment['kind'], text: string): void {
    if (text === '') return;
    if (this.open !== kind) {
      const closing = this.close();
      if (closing.length > 0) out.push(closing[0]!);
      this.id = `${kind === 'reasoning' ? 'r' : 't'}${this.blocks++}`;
      this.open = kind;
      out.push({ type: kind === 'reasoning' ? 'reasoning-start' : 'text-start', id: this.id });
    }
    if (kind === 'reasoning') this.reasoningChars += text.length;
    else this.textChars += text.length;
    out.push({ type: kind === 'reasoning' ? 'reasoning-delta' : 'text-delta', id: this.id, delta: text });
  }

  reasoning(delta: string): StreamPart[] {
    return this.write('reasoning', delta);
  }

  text(delta: string): StreamPart[] {
    return this.write('text', delta);
  }

  /** Reasoning and answer segments (from a `<think>` splitter), in order. */
  segments(segments: readonly ThinkSegment[]): StreamPart[] {
    const out: StreamPart[] = [];
    for (const s of segments) this.writeTo(out, s.kind, s.text);
    return out;
  }

  /** End the open block, if any (a reasoning block may carry a provider signature). */
  close(signature?: string): StreamPart[] {
    const kind = this.open;
    this.open = undefined;
    if (kind === 'reasoning')
      return [{ type: 'reasoning-end', id: this.id, ...(signature ? { signature } : {}) }];
    if (kind === 'text') return [{ type: 'text-end', id: this.id }];
    return [];
  }

  /** Close the open block and finish the stream. */
  finish(
    finishReason: FinishReason,
    usage: Usage,
    extra: { timing?: Timing; thinkingEnd?: ThinkingEnd } = {},
  ): StreamPart[] {
    return [
      ...this.close(),
      {
        type: 'finish',
        finishReason,
        usage,
        ...(extra.timing ? { timing: extra.timing } : {}),
        ...(extra.thinkingEnd ? { thinkingEnd: extra.thinkingEnd } : {}),
      },
    ];
  }

  /**
   * Usage from provider counts. When the provider gives no reasoning count, completion tokens are split by the
   * share of characters; with no counts at all, tokens are estimated as characters / 4.
   */
  usage(counts: { input?: number | null; completion?: number | null; reasoning?: number | null }): Usage {
    const chars = this.reasoningChars + this.textChars;
    const completion = counts.completion ?? Math.ceil(chars / 4);
    const reasoning =
      counts.reasoning ?? (chars > 0 ? Math.round((completion * this.reasoningChars) / chars) : 0);
    return {
      input: Math.max(0, counts.input ?? 0),
      reasoning: Math.max(0, Math.min(reasoning, completion)),
      output: Math.max(0, completion - reasoning),
    };
  }
}
