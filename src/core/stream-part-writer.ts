import type { StreamPart } from './stream-part.ts';
import type { ThinkSegment } from './think-parser.ts';

/**
 * Turns reasoning/answer text into well-formed StreamParts: `reasoning-start` before the first thinking delta,
 * `reasoning-end` before the answer starts, `text-start`/`text-end` around the answer, one id per block.
 * Shared by the runtime and teachers that return inline `<think>` text.
 */
export class StreamPartWriter {
  private open: 'reasoning' | 'text' | undefined;
  private blocks = 0;
  private id = '';
  private readonly push: (part: StreamPart) => void;

  constructor(push: (part: StreamPart) => void) {
    this.push = push;
  }

  write(kind: ThinkSegment['kind'], text: string): void {
    if (text === '') return;
    if (this.open !== kind) {
      this.close();
      this.id = `${kind}-${this.blocks++}`;
      this.open = kind;
      this.push({ type: kind === 'reasoning' ? 'reasoning-start' : 'text-start', id: this.id });
    }
    this.push({ type: kind === 'reasoning' ? 'reasoning-delta' : 'text-delta', id: this.id, delta: text });
  }

  writeSegments(segments: ThinkSegment[]): void {
    for (const s of segments) this.write(s.kind, s.text);
  }

  /** End the open block, if any. */
  close(): void {
    if (!this.open) return;
    this.push({ type: this.open === 'reasoning' ? 'reasoning-end' : 'text-end', id: this.id });
    this.open = undefined;
  }
}
