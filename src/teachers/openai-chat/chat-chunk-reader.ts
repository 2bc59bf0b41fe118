import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { StreamPartWriter } from '../../core/stream-part-writer.ts';
import { type ThinkingEnd, ThinkingEndSchema } from '../../core/trace.ts';
import type { RawExtras } from '../base-teacher.ts';
import { InlineThinkSplitter } from '../inline-think.ts';
import { DetailsAccumulator, detailsText, mapFinishReason } from './reasoning.ts';
import { type ChatChunk, parseChatChunk } from './schemas.ts';

/** Where inline `<think>` content starts when no reasoning field is used. */
export type InlineThinkStart = 'auto' | 'thinking' | 'answer';

/**
 * One streamed Chat Completions reply, chunk by chunk, as StreamParts: each chunk is validated
 * ({@link parseChatChunk}), its reasoning (`reasoning_content`, `reasoning`, `reasoning_details`, inline `<think>`)
 * and answer turned into parts; {@link end} closes the blocks and writes `finish` with the usage. What is not a
 * part (model, fingerprint, reasoning field, details, inline-think stats, usage) goes into `raw`. Synchronous: the
 * caller decides how parts travel (an async generator for `stream`, straight into the fold for `generate`).
 */
export class ChatChunkReader {
  private readonly writer = new StreamPartWriter();
  private inline: InlineThinkSplitter | undefined;
  private readonly details = new DetailsAccumulator();
  private reasoningField: string | undefined;
  private finishReason: string | undefined;
  private thinkingEnd: ThinkingEnd | undefined;
  private usage: ChatChunk['usage'];
  private contentSeen = false;

  constructor(
    private readonly raw: RawExtras,
    private readonly inlineThinkStart: InlineThinkStart,
  ) {}

  /** Read one parsed SSE `data` object; appends its parts to `out`. Throws a `malformed` ProviderError. */
  read(value: unknown, out: StreamPart[]): void {
    const parsed = parseChatChunk(value);
    if (!parsed.success)
      throw new ProviderError(
        'malformed',
        `Unexpected chunk shape: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    const chunk = parsed.data;
    const raw = this.raw;
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.system_fingerprint) raw.systemFingerprint = chunk.system_fingerprint;
    if (chunk.model) raw.model = chunk.model;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    if (delta) {
      if (delta.reasoning_details) this.details.add(delta.reasoning_details);
      const r = delta.reasoning_content ?? delta.reasoning ?? detailsText(delta.reasoning_details);
      if (r) {
        this.reasoningField ??=
          delta.reasoning_content != null
            ? 'reasoning_content'
            : delta.reasoning != null
              ? 'reasoning'
              : 'reasoning_details';
        push(out, this.writer.reasoning(r));
      }
      if (delta.content) {
        this.contentSeen = true;
        // After a reasoning field, content is answer (stray tags are still dropped); else thinking is inline.
        this.inline ??= new InlineThinkSplitter(this.reasoningField ? 'answer' : this.inlineThinkStart);
        push(out, this.writer.segments(this.inline.push(delta.content)));
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    if (choice.thinking_end != null)
      this.thinkingEnd = reportedThinkingEnd(choice.thinking_end) ?? this.thinkingEnd;
  }

  /**
   * The stream ended: appends the closing parts and `finish` to `out` and records the extras in `raw`. False when
   * no chunk carried a finish_reason (then `out` has the closing parts only: the reply is truncated).
   */
  end(out: StreamPart[]): boolean {
    const inline = this.inline ?? new InlineThinkSplitter('answer');
    push(out, this.writer.segments(inline.end()));
    keepExtras(this.raw, this.reasoningField, this.details, inline, this.contentSeen, this.usage);
    if (!this.finishReason) return false;
    const usage = this.usage;
    push(
      out,
      this.writer.finish(
        mapFinishReason(this.finishReason),
        this.writer.usage({
          input: usage?.prompt_tokens,
          completion: usage?.completion_tokens,
          reasoning: usage?.completion_tokens_details?.reasoning_tokens,
        }),
        this.thinkingEnd ? { thinkingEnd: this.thinkingEnd } : {},
      ),
    );
    return true;
  }
}

/** What a reply leaves in `raw` besides its parts: the reasoning field used, details, inline-think stats, usage. */
export function keepExtras(
  raw: RawExtras,
  reasoningField: string | undefined,
  details: DetailsAccumulator,
  inline: InlineThinkSplitter,
  contentSeen: boolean,
  usage: unknown,
): void {
  const s = inline.stats;
  const inlineUsed = contentSeen && (s.missingOpenTag || s.cutMidTag || s.strayCloseTags > 0);
  raw.reasoningField = reasoningField ?? (contentSeen ? 'inline' : 'none');
  if (details.size > 0) raw.reasoningDetails = details.toJSON();
  if (inlineUsed) raw.inlineThink = { ...s };
  if (usage) raw.usage = usage;
}

/** A server's own word on how thinking ended (a Distill server's `thinking_end`); unknown values are ignored. */
export function reportedThinkingEnd(value: string | null | undefined): ThinkingEnd | undefined {
  const parsed = ThinkingEndSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Append `parts` to `out` (no spread of a fresh array per chunk). */
function push(out: StreamPart[], parts: readonly StreamPart[]): void {
  for (const p of parts) out.push(p);
}
