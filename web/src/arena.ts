import './arena.css';
import { listModels, streamChat } from './api.ts';
import { el, failureOf } from './dom.ts';
import { AssistantView, thinkingSummary } from './view.ts';

/** What one side of the arena measured. */
interface SideStats {
  ttftMs: number | null;
  totalMs: number;
  tokens: number;
  reasoningTokens: number;
  tokensPerSecond: number | null;
  finishReason: string | null;
}

function statsText(s: SideStats): string {
  return [
    s.ttftMs === null ? 'no tokens' : `first token ${Math.round(s.ttftMs)} ms`,
    s.tokensPerSecond === null ? '' : `${s.tokensPerSecond.toFixed(1)} tok/s`,
    `${s.tokens} tokens${s.reasoningTokens ? ` (${s.reasoningTokens} thinking)` : ''}`,
    `${(s.totalMs / 1000).toFixed(1)} s`,
    s.finishReason && s.finishReason !== 'stop' ? `finish: ${s.finishReason}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One side: a model picker over a streaming assistant turn. */
class Side {
  readonly root = el('section', 'arena-side');
  readonly select = el('select');
  #view = new AssistantView();

  constructor(readonly label: string) {
    this.root.dataset.side = label;
    this.select.name = `model-${label}`;
    this.select.setAttribute('aria-label', `Model ${label}`);
    const pick = el('label', 'field');
    pick.append(el('span', '', `Model ${label}`), this.select);
    this.root.append(pick, this.#view.root);
  }

  setModels(models: string[], preferred: number): void {
    const keep = this.select.value;
    this.select.replaceChildren(
      ...models.map((m) => {
        const o = el('option', '', m);
        o.value = m;
        return o;
      }),
    );
    this.select.value = models.includes(keep) ? keep : (models[Math.min(preferred, models.length - 1)] ?? '');
  }

  /** Stream one reply to `prompt` into this side, measuring time to first token and tokens/s. */
  async run(prompt: string, budget: string, maxTokens: number, signal: AbortSignal): Promise<void> {
    const view = new AssistantView();
    this.#view.root.replaceWith(view.root);
    this.#view = view;
    this.root.dataset.state = 'running';
    delete this.root.dataset.ttftMs;
    // When this side's first token came and when its stream ended (page clock, ms): shows the two sides overlapped.
    delete this.root.dataset.firstAt;
    delete this.root.dataset.endedAt;
    const started = performance.now();
    let first: number | null = null;
    let thinkingStart: number | null = null;
    let thinkingMs: number | null = null;
    let reasoning = '';
    let content = '';
    let live = 0;
    const stats: SideStats = {
      ttftMs: null,
      totalMs: 0,
      tokens: 0,
      reasoningTokens: 0,
      tokensPerSecond: null,
      finishReason: null,
    };
    const tick = setInterval(() => {
      if (thinkingStart !== null && thinkingMs === null)
        view.setSummary(thinkingSummary(true, performance.now() - thinkingStart, stats.reasoningTokens));
      stats.totalMs = performance.now() - started;
      if (first !== null) {
        const secs = (performance.now() - first) / 1000;
        view.setStats(
          `${statsText({ ...stats, tokens: live, tokensPerSecond: secs > 0.2 ? live / secs : null })}…`,
        );
      }
    }, 100);
    const endThinking = (): void => {
      if (thinkingStart !== null && thinkingMs === null) {
        thinkingMs = performance.now() - thinkingStart;
        view.setSummary(thinkingSummary(false, thinkingMs, stats.reasoningTokens));
      }
    };
    const firstToken = (): void => {
      if (first !== null) return;
      first = performance.now();
      stats.ttftMs = first - started;
      this.root.dataset.ttftMs = String(Math.round(stats.ttftMs));
      this.root.dataset.firstAt = first.toFixed(1);
    };
    try {
      const turns = [{ role: 'user' as const, content: prompt }];
      for await (const event of streamChat(turns, { model: this.select.value, budget, maxTokens }, signal)) {
        if (event.type === 'reasoning') {
          firstToken();
          thinkingStart ??= performance.now();
          live += 1;
          stats.reasoningTokens += 1;
          reasoning += event.text;
          view.appendThinking(event.text);
        } else if (event.type === 'content') {
          firstToken();
          if (thinkingStart === null) view.markNoThinking();
          endThinking();
          live += 1;
          const text = content ? event.text : event.text.trimStart();
          content += text;
          view.appendAnswer(text);
        } else if (event.type === 'finish') stats.finishReason = event.reason;
        else if (event.type === 'usage') {
          stats.reasoningTokens = event.reasoningTokens;
          stats.tokens = event.completionTokens;
          stats.tokensPerSecond = event.tokensPerSecond;
        }
      }
      if (!reasoning) view.markNoThinking();
      endThinking();
      if (reasoning) view.setSummary(thinkingSummary(false, thinkingMs, stats.reasoningTokens));
      if (stats.tokens === 0) stats.tokens = live;
      if (stats.tokensPerSecond === null && first !== null) {
        const secs = (performance.now() - first) / 1000;
        stats.tokensPerSecond = secs > 0 ? live / secs : null;
      }
      view.renderMarkdown(reasoning, content);
      this.root.dataset.state = 'done';
    } catch (error) {
      endThinking();
      view.setNote(signal.aborted ? 'Stopped.' : `Error: ${failureOf(error).message}`);
      this.root.dataset.state = signal.aborted ? 'stopped' : 'failed';
      if (!signal.aborted) throw error;
    } finally {
      clearInterval(tick);
      stats.totalMs = performance.now() - started;
      this.root.dataset.endedAt = performance.now().toFixed(1);
      this.root.dataset.tokens = String(stats.tokens || live);
      view.setStats(statsText(stats));
    }
  }
}

/**
 * The Arena: one prompt sent to two served models at once through the server's own `/v1/chat/completions`,
 * both thinking streams side by side with time to first token and tokens/s.
 */
export class ArenaView {
  readonly root = el('section', 'studio arena');
  readonly #form = el('form', 'arena-form');
  readonly #prompt = el('textarea');
  readonly #budget = el('select');
  readonly #maxTokens = el('input');
  readonly #run = el('button', '', 'Send to both');
  readonly #stop = el('button', 'danger', 'Stop');
  readonly #sides = [new Side('A'), new Side('B')] as const;
  #abort: AbortController | null = null;

  constructor(private readonly onError: (message: string, status: number) => void) {
    this.root.setAttribute('aria-label', 'Arena');
    this.#prompt.name = 'prompt';
    this.#prompt.rows = 2;
    this.#prompt.required = true;
    this.#prompt.placeholder = 'One prompt for both models… (Enter to send)';
    this.#prompt.setAttribute('aria-label', 'Arena prompt');
    this.#budget.name = 'budget';
    this.#budget.setAttribute('aria-label', 'Thinking budget');
    for (const [value, text] of [
      ['none', 'No limit'],
      ['off', 'Off'],
      ['128', '128 tokens'],
      ['512', '512 tokens'],
    ]) {
      const o = el('option', '', text);
      o.value = value!;
      this.#budget.append(o);
    }
    this.#maxTokens.type = 'number';
    this.#maxTokens.name = 'max-tokens';
    this.#maxTokens.min = '1';
    this.#maxTokens.max = '32768';
    this.#maxTokens.value = '512';
    this.#maxTokens.setAttribute('aria-label', 'Max tokens');
    this.#run.type = 'submit';
    this.#stop.type = 'button';
    this.#stop.disabled = true;
    this.#stop.addEventListener('click', () => this.#abort?.abort());
    const budget = el('label', 'field');
    budget.append(el('span', '', 'Thinking'), this.#budget);
    const max = el('label', 'field');
    max.append(el('span', '', 'Max tokens'), this.#maxTokens);
    const actions = el('div', 'arena-actions');
    actions.append(budget, max, this.#run, this.#stop);
    this.#form.append(this.#prompt, actions);
    this.#form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#send();
    });
    this.#prompt.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.#form.requestSubmit();
      }
    });
    const sides = el('div', 'arena-sides');
    sides.append(...this.#sides.map((s) => s.root));
    this.root.append(el('h2', '', 'Arena'), this.#form, sides);
  }

  async show(): Promise<void> {
    try {
      const models = await listModels();
      this.#sides[0].setModels(models, 0);
      this.#sides[1].setModels(models, 1);
      this.#run.disabled = models.length === 0 || this.#abort !== null;
    } catch (error) {
      const f = failureOf(error);
      this.onError(`Cannot list models: ${f.message}`, f.status);
    }
  }

  async #send(): Promise<void> {
    const prompt = this.#prompt.value.trim();
    if (!prompt || this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#run.disabled = true;
    this.#stop.disabled = false;
    const maxTokens = Math.max(1, Math.min(32768, Math.floor(Number(this.#maxTokens.value) || 512)));
    const results = await Promise.allSettled(
      this.#sides.map((s) => s.run(prompt, this.#budget.value, maxTokens, abort.signal)),
    );
    this.#abort = null;
    this.#run.disabled = false;
    this.#stop.disabled = true;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      const f = failureOf(failed.reason);
      this.onError(f.message, f.status);
    }
  }
}
