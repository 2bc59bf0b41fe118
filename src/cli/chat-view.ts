import type { StreamPart } from '../core/stream-part.ts';
import { isForcedThinkingEnd } from '../core/trace.ts';

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const CYAN = '\x1b[36m';

/** Drop terminal control characters a (random or confused) model may emit; keep newlines and tabs. */
export function sanitize(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');
}

export interface Output {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
}

/**
 * One chat turn on a terminal: thinking streams live (dimmed), folds to "▸ Thought for 3.2 s · 184 tokens" when
 * the answer starts, and `toggle()` unfolds or folds it again by redrawing the turn in place. Without a TTY
 * (`fancy: false`) it prints thinking, the summary line and the answer plainly, one after the other.
 */
export class TurnView {
  private thinking = '';
  private answer = '';
  private thinkingTokens = 0;
  private thinkStart: number | undefined;
  private thinkEnd: number | undefined;
  private thinkMs: number | undefined;
  private expanded = true;
  private answerStarted = false;
  private rows = 0;
  private col = 0;
  private readonly out: Output;
  private readonly fancy: boolean;

  constructor(out: Output, options: { fancy: boolean }) {
    this.out = out;
    this.fancy = options.fancy;
  }

  private write(text: string): void {
    this.out.write(text);
    const width = this.out.columns ?? 80;
    // track rows for redraws (ignores escape sequences, which take no room)
    for (const ch of text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')) {
      if (ch === '\n') {
        this.rows++;
        this.col = 0;
      } else if (++this.col > width) {
        this.rows++;
        this.col = 1;
      }
    }
  }

  summary(): string {
    const end = this.thinkEnd ?? performance.now();
    const ms = this.thinkMs ?? (this.thinkStart === undefined ? 0 : end - this.thinkStart);
    const secs = ms / 1000;
    return `Thought for ${secs.toFixed(1)} s · ${this.thinkingTokens} tokens`;
  }

  private summaryLine(): string {
    const hint = this.fancy ? ` ${DIM}(t: ${this.expanded ? 'fold' : 'show'})${RESET}` : '';
    return this.fancy
      ? `${CYAN}${this.expanded ? '▾' : '▸'} ${this.summary()}${RESET}${hint}\n`
      : `[${this.summary()}]\n`;
  }

  onPart(part: StreamPart): void {
    if (part.type === 'reasoning-delta') {
      this.thinkStart ??= performance.now();
      this.thinkingTokens++;
      const text = sanitize(part.delta);
      this.thinking += text;
      if (this.expanded && !this.answerStarted) this.write(this.fancy ? `${DIM}${text}${RESET}` : text);
    } else if (part.type === 'text-delta') {
      // Leading blank lines of the answer (after `</think>`) are not shown.
      const text = this.answer === '' ? sanitize(part.delta).replace(/^\s+/, '') : sanitize(part.delta);
      if (text === '') return;
      if (!this.answerStarted) {
        this.answerStarted = true;
        this.thinkEnd ??= performance.now();
        if (this.thinking.trim() !== '') {
          if (this.fancy) {
            this.expanded = false;
            this.redraw();
          } else {
            if (!this.thinking.endsWith('\n')) this.write('\n');
            this.write(this.summaryLine());
          }
        }
        this.answer += text;
        this.write(text);
        return;
      }
      this.answer += text;
      this.write(text);
    } else if (part.type === 'reasoning-end') {
      this.thinkEnd ??= performance.now();
    }
  }

  /** Fold or unfold the thinking (fancy terminals only). */
  toggle(): void {
    if (!this.fancy || this.thinking === '') return;
    this.expanded = !this.expanded;
    this.redraw();
  }

  /** Clear this turn's rows and draw it again from its state. */
  private redraw(): void {
    const screen = this.out.rows ?? 24;
    if (this.rows >= screen - 1) {
      // Scrolled past the top: cannot redraw in place, so append instead.
      this.write('\n');
    } else {
      this.out.write(`\r${this.rows > 0 ? `\x1b[${this.rows}A` : ''}\x1b[J`);
    }
    this.rows = 0;
    this.col = 0;
    if (this.thinking.trim() !== '') {
      this.write(this.summaryLine());
      if (this.expanded) {
        this.write(`${DIM}${this.thinking}${RESET}`);
        if (this.answerStarted && !this.thinking.endsWith('\n')) this.write('\n');
      }
    }
    if (this.answerStarted) this.write(this.answer);
  }

  /** End of turn: newline and a dim stats line. */
  finish(part: Extract<StreamPart, { type: 'finish' }>): void {
    // Deltas approximate thinking tokens and time while streaming; the finish part has the exact figures.
    const ms = part.timing?.thinkingMs;
    if (this.thinkingTokens !== part.usage.reasoning || (ms !== undefined && ms !== this.thinkMs)) {
      this.thinkingTokens = part.usage.reasoning;
      this.thinkMs = ms;
      if (this.fancy && this.answerStarted && this.thinking.trim() !== '') this.redraw();
    }
    const tps = part.timing?.tokensPerSecond;
    const stats = [
      `${part.usage.reasoning} thinking + ${part.usage.output} answer tokens`,
      tps ? `${tps.toFixed(1)} tok/s` : '',
      part.finishReason !== 'stop' ? `stopped: ${part.finishReason}` : '',
      isForcedThinkingEnd(part.thinkingEnd) ? `thinking ended by ${part.thinkingEnd}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    if (this.col > 0) this.write('\n');
    this.write(this.fancy ? `${DIM}${stats}${RESET}\n` : `[${stats}]\n`);
  }
}
