import { renderMarkdown } from './markdown.ts';
import type { StoredTurn, TurnStats } from './store.ts';

/** Build an element with a class and optional text. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function tokens(n: number): string {
  return `${n.toLocaleString('en-US')} token${n === 1 ? '' : 's'}`;
}

/** "Thought for 3.2 s · 184 tokens" (done) or "Thinking… 1.0 s · 40 tokens" (live). */
export function thinkingSummary(live: boolean, ms: number | null, count: number): string {
  const time = ms === null ? '' : `${seconds(ms)} · `;
  return live ? `Thinking… ${time}${tokens(count)}` : `Thought for ${time}${tokens(count)}`;
}

export function statsLine(stats: TurnStats): string {
  const parts: string[] = [];
  if (stats.tokensPerSecond !== null) parts.push(`${stats.tokensPerSecond.toFixed(1)} tok/s`);
  parts.push(
    stats.reasoningTokens > 0
      ? `${tokens(stats.completionTokens)} (${stats.reasoningTokens.toLocaleString('en-US')} thinking)`
      : tokens(stats.completionTokens),
  );
  if (stats.finishReason && stats.finishReason !== 'stop') parts.push(`finish: ${stats.finishReason}`);
  return parts.join(' · ');
}

/** The live DOM of one assistant turn, updated while it streams. */
export class AssistantView {
  readonly root: HTMLElement;
  readonly #details: HTMLDetailsElement;
  readonly #summary: HTMLElement;
  readonly #thinking: HTMLElement;
  readonly #answer: HTMLElement;
  readonly #stats: HTMLElement;

  constructor() {
    this.root = el('article', 'turn assistant');
    this.root.setAttribute('aria-label', 'Assistant');
    this.#details = el('details', 'thinking');
    this.#details.open = true;
    this.#summary = el('summary', 'thinking-summary', 'Waiting for the model…');
    this.#thinking = el('div', 'thinking-text');
    this.#details.append(this.#summary, this.#thinking);
    this.#answer = el('div', 'answer');
    this.#stats = el('p', 'stats', '\u00a0');
    this.root.append(this.#details, this.#answer, this.#stats);
  }

  setSummary(text: string): void {
    this.#summary.textContent = text;
  }

  #stickPending = false;

  /**
   * Streamed text is appended as text nodes (`textContent +=` copied the whole text on every token) and the
   * panel's scroll position is read and kept once per frame, not once per token: long thinking stays cheap.
   */
  appendThinking(text: string): void {
    if (!this.#stickPending) {
      this.#stickPending = true;
      const t = this.#thinking;
      const stick = t.scrollHeight - t.scrollTop - t.clientHeight < 24;
      requestAnimationFrame(() => {
        this.#stickPending = false;
        if (stick) t.scrollTop = t.scrollHeight;
      });
    }
    this.#thinking.append(text);
  }

  appendAnswer(text: string): void {
    this.#answer.append(text);
  }

  /** No thinking in this turn: say so in one quiet line instead of an empty panel. */
  markNoThinking(): void {
    this.#details.open = false;
    this.#details.classList.add('none');
    this.#summary.textContent = 'No thinking';
  }

  /** Replace the streamed plain text with rendered Markdown and math, once the turn is done. */
  renderMarkdown(reasoning: string, content: string): void {
    if (reasoning) renderMarkdown(this.#thinking, reasoning);
    if (content) renderMarkdown(this.#answer, content);
  }

  setStats(text: string): void {
    this.#stats.textContent = text || '\u00a0';
  }

  setNote(text: string): void {
    const note = el('p', 'note', text);
    this.root.insertBefore(note, this.#stats);
  }

  /** Render a finished turn from storage. */
  static fromStored(turn: StoredTurn): AssistantView {
    const view = new AssistantView();
    if (turn.reasoning) {
      view.#thinking.textContent = turn.reasoning;
      view.#details.open = false;
      view.setSummary(
        thinkingSummary(false, turn.stats?.thinkingMs ?? null, turn.stats?.reasoningTokens ?? 0),
      );
    } else view.markNoThinking();
    view.#answer.textContent = turn.content;
    view.renderMarkdown(turn.reasoning ?? '', turn.content);
    if (turn.note) view.setNote(turn.note);
    if (turn.stats) view.setStats(statsLine(turn.stats));
    return view;
  }
}

export function userView(content: string): HTMLElement {
  const node = el('article', 'turn user', content);
  node.setAttribute('aria-label', 'You');
  return node;
}
