import { THINK_CLOSE, THINK_OPEN } from '../core/chat-format.ts';
import { ThinkParser, type ThinkSegment } from '../core/think-parser.ts';

/** What the splitter noticed; kept in `Trace.raw.inlineThink` when anything is off. */
export interface InlineThinkStats {
  missingOpenTag: boolean;
  cutMidTag: boolean;
  strayCloseTags: number;
}

/**
 * Splits inline `<think>` content from providers that put thinking in the text (raw R1, Azure's preview API,
 * OpenAI-compatible servers without a reasoning parser). Wraps the shared streaming {@link ThinkParser} and adds
 * what a teacher stream needs: in `auto` mode text that does not open with `<think>` is held until a `</think>`
 * proves thinking was pre-opened (R1 templates) or the end proves it was an answer; and a closing tag cut by the
 * end of the stream is dropped rather than kept as text.
 */
export class InlineThinkSplitter {
  private parser: ThinkParser | undefined;
  private held = '';
  private closeTags = 0;
  private tail = '';
  readonly stats: InlineThinkStats = { missingOpenTag: false, cutMidTag: false, strayCloseTags: 0 };

  /** Defaults to `auto`. */
  constructor(start: 'auto' | 'thinking' | 'answer' = 'auto') {
    if (start !== 'auto') this.parser = new ThinkParser({ startInReasoning: start === 'thinking' });
  }

  push(chunk: string): ThinkSegment[] {
    this.countCloses(chunk);
    if (this.parser) return this.parser.push(chunk);
    this.held += chunk;
    const trimmed = this.held.trimStart();
    if (trimmed.startsWith(THINK_OPEN)) return this.decide(new ThinkParser({ startInReasoning: 'detect' }));
    if (trimmed.length < THINK_OPEN.length && THINK_OPEN.startsWith(trimmed)) return [];
    if (this.held.includes(THINK_CLOSE)) {
      this.stats.missingOpenTag = true;
      return this.decide(new ThinkParser({ startInReasoning: true }));
    }
    return [];
  }

  end(): ThinkSegment[] {
    const head = this.parser ? [] : this.decide(new ThinkParser({ startInReasoning: false }));
    const parser = this.parser as ThinkParser;
    const segments = [...head, ...parser.flush()];
    const last = segments[segments.length - 1];
    if (last) {
      for (let n = Math.min(THINK_CLOSE.length - 1, last.text.length); n >= 2; n--) {
        const end = last.text.slice(last.text.length - n);
        if (THINK_CLOSE.startsWith(end) || THINK_OPEN.startsWith(end)) {
          last.text = last.text.slice(0, last.text.length - n);
          this.stats.cutMidTag = true;
          break;
        }
      }
      if (last.text === '') segments.pop();
    }
    this.stats.strayCloseTags = Math.max(0, this.closeTags - (parser.thinkingEnded ? 1 : 0));
    return segments;
  }

  private decide(parser: ThinkParser): ThinkSegment[] {
    this.parser = parser;
    const held = this.held;
    this.held = '';
    return parser.push(held);
  }

  private countCloses(chunk: string): void {
    const text = this.tail + chunk;
    let at = text.indexOf(THINK_CLOSE);
    while (at >= 0) {
      this.closeTags += 1;
      at = text.indexOf(THINK_CLOSE, at + THINK_CLOSE.length);
    }
    const lastClose = text.lastIndexOf(THINK_CLOSE);
    const rest = lastClose >= 0 ? text.slice(lastClose + THINK_CLOSE.length) : text;
    this.tail = rest.slice(-(THINK_CLOSE.length - 1));
  }
}
