import type { StreamPart } from '../core/stream-part.ts';
import type { ThinkSegment } from '../core/think-parser.ts';
import type { FinishReason, Usage } from '../core/trace.ts';

/**
 * Turns "here is some reasoning / some answer text" into well-formed StreamParts (start/delta/end keyed by id),
 * and counts the characters so usage can be split when a provider reports only total completion tokens.
 */
export class PartWriter {
  private open: 'reasoning' | 'text' | undefined;
  private n = 0;
  reasoningChars = 0;
  textChars = 0;

  reasoning(delta: string): StreamPart[] {
    if (!delta) return [];
    this.reasoningChars += delta.length;
    return [...this.switchTo('reasoning'), { type: 'reasoning-delta', id: `r${this.n}`, delta }];
  }

  text(delta: string): StreamPart[] {
    if (!delta) return [];
    this.textChars += delta.length;
    return [...this.switchTo('text'), { type: 'text-delta', id: `t${this.n}`, delta }];
  }

  /** Reasoning and answer segments (from a `<think>` splitter), in order. */
  segments(segments: readonly ThinkSegment[]): StreamPart[] {
    return segments.flatMap((s) => (s.kind === 'reasoning' ? this.reasoning(s.text) : this.text(s.text)));
  }

  /** Close the open part (with an optional reasoning signature). */
  close(signature?: string): StreamPart[] {
    const kind = this.open;
    this.open = undefined;
    if (kind === 'reasoning')
      return [{ type: 'reasoning-end', id: `r${this.n}`, ...(signature ? { signature } : {}) }];
    if (kind === 'text') return [{ type: 'text-end', id: `t${this.n}` }];
    return [];
  }

  finish(finishReason: FinishReason, usage: Usage): StreamPart[] {
    return [...this.close(), { type: 'finish', finishReason, usage }];
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

  private switchTo(kind: 'reasoning' | 'text'): StreamPart[] {
    if (this.open === kind) return [];
    const closed = this.close();
    this.n += 1;
    this.open = kind;
    return [
      ...closed,
      kind === 'reasoning'
        ? { type: 'reasoning-start', id: `r${this.n}` }
        : { type: 'text-start', id: `t${this.n}` },
    ];
  }
}
