import type { FinishReason } from '../../core/trace.ts';
import type { ReasoningDetail } from './schemas.ts';

/** Map an OpenAI-style finish_reason to ours. */
export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'eos':
    case 'end_turn':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/** Text carried by OpenRouter reasoning details (`text` or `summary`; encrypted blocks carry none). */
export function detailsText(details: ReasoningDetail[] | null | undefined): string {
  if (!details) return '';
  return details.map((d) => d.text ?? d.summary ?? '').join('');
}

/**
 * Accumulates streamed `reasoning_details` into whole blocks (merged by index), so signatures and encrypted data
 * survive into `Trace.raw` without one entry per chunk.
 */
export class DetailsAccumulator {
  private readonly blocks = new Map<number | string, ReasoningDetail>();

  add(details: ReasoningDetail[] | null | undefined): void {
    for (const d of details ?? []) {
      const key = d.index ?? `${d.type}:${this.blocks.size}`;
      const prev = this.blocks.get(key);
      if (!prev) {
        this.blocks.set(key, { ...d });
        continue;
      }
      if (d.text) prev.text = (prev.text ?? '') + d.text;
      if (d.summary) prev.summary = (prev.summary ?? '') + d.summary;
      if (d.data) prev.data = (prev.data ?? '') + d.data;
      if (d.signature) prev.signature = d.signature;
    }
  }

  get size(): number {
    return this.blocks.size;
  }

  toJSON(): ReasoningDetail[] {
    return [...this.blocks.values()];
  }
}
