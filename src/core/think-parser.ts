import { THINK_CLOSE, THINK_OPEN } from './chat-format.ts';

/** One piece of parsed output: thinking or answer text. */
export interface ThinkSegment {
  kind: 'reasoning' | 'text';
  text: string;
}

export type ThinkPhase = 'detect' | 'reasoning' | 'text';

export interface ThinkParserOptions {
  /**
   * Where the output starts. `true`: inside thinking (the template pre-opened `<think>`, R1 style; a repeated
   * opening tag is swallowed). `false`: in the answer. `'detect'`: thinking only if the output opens with the tag
   * (Qwen3 style). Defaults to `'detect'`.
   */
  startInReasoning?: boolean | 'detect';
  /** Defaults to `<think>`. */
  openTag?: string;
  /** Defaults to `</think>`. */
  closeTag?: string;
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag` (a tag possibly split across chunks). */
function partialTagSuffix(text: string, tag: string): number {
  const max = Math.min(text.length, tag.length - 1);
  for (let n = max; n > 0; n--) if (tag.startsWith(text.slice(text.length - n))) return n;
  return 0;
}

/**
 * Streaming `<think>…</think>` splitter (after the Vercel AI SDK's extract-reasoning middleware). Pure: push text
 * chunks of any size, get segments back. It buffers only what could still be the start of a tag, so partial tags
 * split across tokens are never shown. Thinking ends at the first closing tag; later (stray) closing tags in the
 * answer are dropped, and an opening tag in the answer is kept as text. At `flush`, a cut tag is emitted as text.
 */
export class ThinkParser {
  private mode: ThinkPhase;
  private buffer = '';
  private readonly open: string;
  private readonly close: string;
  private sawThinking = false;
  private endedThinking = false;
  private leadingOpenPossible: boolean;

  constructor(options: ThinkParserOptions = {}) {
    const start = options.startInReasoning ?? 'detect';
    this.open = options.openTag ?? THINK_OPEN;
    this.close = options.closeTag ?? THINK_CLOSE;
    this.mode = start === 'detect' ? 'detect' : start ? 'reasoning' : 'text';
    this.sawThinking = this.mode === 'reasoning';
    this.leadingOpenPossible = this.mode === 'reasoning';
  }

  /** Current phase: `detect` until the first non-space text decides, then `reasoning` or `text`. */
  get phase(): ThinkPhase {
    return this.mode;
  }

  /** True once a closing tag ended thinking. */
  get thinkingEnded(): boolean {
    return this.endedThinking;
  }

  /** True when the output was (or is) inside thinking at some point. */
  get hadThinking(): boolean {
    return this.sawThinking;
  }

  push(chunk: string): ThinkSegment[] {
    this.buffer += chunk;
    const out: ThinkSegment[] = [];
    for (;;) {
      if (this.mode === 'detect') {
        const trimmed = this.buffer.trimStart();
        if (trimmed.startsWith(this.open)) {
          this.buffer = trimmed.slice(this.open.length);
          this.mode = 'reasoning';
          this.sawThinking = true;
          continue;
        }
        if (trimmed === '' || this.open.startsWith(trimmed)) return out;
        this.mode = 'text';
        continue;
      }
      if (this.mode === 'reasoning') {
        if (this.leadingOpenPossible) {
          // Template pre-opened thinking but the model repeated the tag: swallow it.
          const trimmed = this.buffer.trimStart();
          if (trimmed.startsWith(this.open)) {
            this.buffer = trimmed.slice(this.open.length);
            this.leadingOpenPossible = false;
            continue;
          }
          if (trimmed === '' || this.open.startsWith(trimmed)) return out;
          this.leadingOpenPossible = false;
        }
        const at = this.buffer.indexOf(this.close);
        if (at >= 0) {
          emit(out, 'reasoning', this.buffer.slice(0, at));
          this.buffer = this.buffer.slice(at + this.close.length);
          this.mode = 'text';
          this.endedThinking = true;
          continue;
        }
        const keep = partialTagSuffix(this.buffer, this.close);
        emit(out, 'reasoning', this.buffer.slice(0, this.buffer.length - keep));
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        return out;
      }
      // Answer: drop stray closing tags, hold back a possible partial one.
      const at = this.buffer.indexOf(this.close);
      if (at >= 0) {
        emit(out, 'text', this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + this.close.length);
        continue;
      }
      const keep = partialTagSuffix(this.buffer, this.close);
      emit(out, 'text', this.buffer.slice(0, this.buffer.length - keep));
      this.buffer = this.buffer.slice(this.buffer.length - keep);
      return out;
    }
  }

  /** End of stream: whatever is buffered (a cut tag, undecided leading text) is emitted as-is. */
  flush(): ThinkSegment[] {
    const out: ThinkSegment[] = [];
    const rest = this.buffer;
    this.buffer = '';
    if (this.mode === 'detect') {
      if (rest.trim() !== '') emit(out, 'text', rest);
      this.mode = 'text';
    } else if (this.leadingOpenPossible && this.open.startsWith(rest.trimStart())) {
      // only a cut repeated opening tag: nothing to show
    } else emit(out, this.mode === 'reasoning' ? 'reasoning' : 'text', rest);
    return out;
  }
}

function emit(out: ThinkSegment[], kind: ThinkSegment['kind'], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.kind === kind) last.text += text;
  else out.push({ kind, text });
}

/** Parse a complete output at once (same rules as streaming). */
export function parseThinking(
  text: string,
  options: ThinkParserOptions = {},
): { reasoning: string; answer: string; thinkingEnded: boolean } {
  const parser = new ThinkParser(options);
  const segments = [...parser.push(text), ...parser.flush()];
  let reasoning = '';
  let answer = '';
  for (const s of segments) {
    if (s.kind === 'reasoning') reasoning += s.text;
    else answer += s.text;
  }
  return { reasoning, answer, thinkingEnded: parser.thinkingEnded };
}
