import { codeResultPanel } from './code-result.ts';
import { el } from './dom.ts';
import { renderMarkdown } from './markdown.ts';
import { listRuns, listSamples, type SampleQuery, type StudioRun, type StudioSample } from './studio-api.ts';

function duration(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** The Runs view: every run in the store; refreshes itself while a run is `running`. */
export class RunsView {
  readonly root = el('section', 'studio runs');
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onError: (message: string, status: number) => void) {
    this.root.setAttribute('aria-label', 'Runs');
  }

  async show(): Promise<void> {
    this.stop();
    try {
      const runs = await listRuns();
      this.#render(runs);
      if (runs.some((r) => r.status === 'running')) this.#timer = setTimeout(() => void this.show(), 2000);
    } catch (error) {
      const e = error as Error & { status?: number };
      this.root.replaceChildren(
        el('h2', '', 'Runs'),
        el('p', 'empty', `Could not load the runs: ${e.message}`),
      );
      this.onError(e.message, e.status ?? 0);
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #render(runs: StudioRun[]): void {
    const heading = el('h2', '', 'Runs');
    if (runs.length === 0) {
      this.root.replaceChildren(heading, el('p', 'empty', 'No runs in this store yet.'));
      return;
    }
    const table = el('table', 'runs-table');
    const head = el('tr');
    for (const h of [
      'Run',
      'Kind',
      'Status',
      'Samples',
      'Correct',
      'Kept / dropped',
      'Tokens',
      'Cost',
      'Wall time',
    ])
      head.append(el('th', '', h));
    table.append(el('thead'), el('tbody'));
    table.tHead!.append(head);
    for (const run of runs) {
      const row = el('tr', 'run-row');
      row.dataset.run = run.name;
      const name = el('td');
      const link = el('a', '', run.name);
      // Train runs open their curves, eval reports the comparison, the others their traces.
      const view = run.kind === 'train' ? 'training' : run.kind === 'eval' ? 'compare' : 'traces';
      link.href = `#${view}/${encodeURIComponent(run.id)}`;
      name.append(link);
      const curation = run.curation
        ? `${n(run.curation.kept)} / ${n(run.curation.dropped)}${
            Object.keys(run.curation.droppedBy).length
              ? ` (${Object.entries(run.curation.droppedBy)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')})`
              : ''
          }`
        : '–';
      const requested = run.counts.requested === null ? '' : ` / ${n(run.counts.requested)}`;
      row.append(
        name,
        el('td', '', run.kind),
        el('td', `run-status ${run.status}`, run.status),
        el(
          'td',
          'num',
          run.train
            ? `step ${n(run.train.steps)}${run.train.totalSteps ? ` / ${n(run.train.totalSteps)}` : ''}`
            : `${n(run.counts.samples)}${requested}`,
        ),
        el(
          'td',
          'num',
          run.train?.loss != null
            ? `loss ${run.train.loss.toFixed(3)}`
            : run.counts.withVerdict
              ? `${n(run.counts.correct)} / ${n(run.counts.withVerdict)}`
              : '–',
        ),
        el('td', '', curation),
        el('td', 'num', run.train || run.eval ? '–' : n(run.tokens.total)),
        el('td', 'num', run.costUsd === null ? '–' : `$${run.costUsd.toFixed(4)}`),
        el('td', 'num', duration(run.wallMs)),
      );
      table.tBodies[0]!.append(row);
    }
    const wrap = el('div', 'table-wrap');
    wrap.append(table);
    this.root.replaceChildren(heading, wrap);
  }
}

function select(label: string, name: string, options: [string, string][]): HTMLLabelElement {
  const field = el('label', 'field');
  const box = el('select');
  box.name = name;
  box.setAttribute('aria-label', label);
  for (const [value, text] of options) {
    const o = el('option', '', text);
    o.value = value;
    box.append(o);
  }
  field.append(el('span', '', label), box);
  return field;
}

/** One sample: prompt, collapsible thinking, answer, verdict, curation outcome with evidence, provenance. */
function sampleCard(s: StudioSample): HTMLElement {
  const card = el('article', 'sample');
  card.dataset.problem = s.problemId;
  const head = el('header', 'sample-head');
  head.append(el('strong', '', `${s.problemId} #${s.sampleIdx}`));
  if (s.verdict)
    head.append(
      el('span', `badge ${s.verdict.correct ? 'ok' : 'bad'}`, s.verdict.correct ? 'correct' : 'wrong'),
    );
  else head.append(el('span', 'badge', 'no verdict'));
  if (s.curation)
    head.append(
      el(
        'span',
        `badge outcome ${s.curation.kept ? 'ok' : 'bad'}`,
        s.curation.kept ? 'kept' : `dropped by ${s.curation.reason ?? '?'}`,
      ),
    );
  const prompt = el('div', 'prompt');
  renderMarkdown(prompt, s.prompt);
  const thinking = el('details', 'thinking');
  const summary = el('summary', 'thinking-summary', `Thinking · ${n(s.usage.reasoning)} tokens`);
  const thinkingText = el('div', 'thinking-text');
  renderMarkdown(thinkingText, s.thinking || '(none)');
  thinking.append(summary, thinkingText);
  const answer = el('div', 'answer');
  renderMarkdown(answer, s.answer || '(no answer)');
  const meta = el(
    'p',
    'stats',
    [
      s.teacher,
      `${n(s.usage.input)} in · ${n(s.usage.reasoning)} thinking · ${n(s.usage.output)} answer tokens`,
      `finish: ${s.finishReason}`,
      s.gold !== null ? `gold: ${s.gold}` : '',
      // A code verdict's extracted program is the answer's code block; its test results follow below.
      s.verdict?.extracted != null && !s.verdict.code
        ? `extracted: ${s.verdict.extracted} (${s.verdict.method})`
        : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  card.append(head, prompt, thinking, answer, meta);
  const tests = codeResultPanel(s.verdict);
  if (tests) card.append(tests);
  const failed = s.filters.filter((f) => !f.passed);
  if (failed.length > 0 || (s.curation && !s.curation.kept)) {
    const why = el('div', 'why');
    why.append(el('strong', '', 'Why dropped'));
    const list = el('ul');
    for (const f of failed) {
      const item = el('li', 'evidence');
      item.dataset.filter = f.name;
      item.append(el('code', '', f.name), document.createTextNode(' failed'));
      if (f.matches.length > 0)
        item.append(document.createTextNode(': '), el('q', '', f.matches.join(' … ')));
      list.append(item);
    }
    // The curation's own detail, unless the failed check above already shows the same evidence.
    const shown = failed.some((f) => f.name === s.curation?.reason);
    if (s.curation && !s.curation.kept && !shown && Object.keys(s.curation.detail).length > 0) {
      const item = el('li', 'evidence detail');
      item.append(
        el('code', '', s.curation.reason ?? 'curation'),
        document.createTextNode(` ${JSON.stringify(s.curation.detail)}`),
      );
      list.append(item);
    }
    why.append(list);
    card.append(why);
  }
  const prov = el('details', 'provenance');
  prov.append(
    el('summary', '', 'Provenance and terms'),
    el(
      'p',
      '',
      `prompt ${s.provenance.prompt.sourceDataset}:${s.provenance.prompt.recordId}${
        s.provenance.prompt.licenseSpdx ? ` (${s.provenance.prompt.licenseSpdx})` : ''
      } · terms ${s.provenance.terms.id} · training ${s.provenance.usePolicy.train}${
        s.provenance.usePolicy.obligations.length ? ` (${s.provenance.usePolicy.obligations.join(', ')})` : ''
      } · commercial ${s.provenance.usePolicy.commercialOk ? 'ok' : 'no'}`,
    ),
  );
  card.append(prov);
  return card;
}

/** The trace browser of one run: server-side filters (verdict, kept/dropped, failed check, text) and paging. */
export class TraceView {
  readonly root = el('section', 'studio traces');
  readonly #form = el('form', 'trace-filters');
  readonly #list = el('div', 'samples');
  readonly #pager = el('p', 'pager');
  readonly #title = el('h2');
  #runId = '';
  #query: SampleQuery = { offset: 0, limit: 20 };

  constructor(private readonly onError: (message: string, status: number) => void) {
    this.root.setAttribute('aria-label', 'Traces');
    this.#form.addEventListener('change', () => this.#apply());
    this.#form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#apply();
    });
    this.root.append(this.#title, this.#form, this.#pager, this.#list);
  }

  async show(runId: string): Promise<void> {
    if (runId !== this.#runId) {
      this.#runId = runId;
      this.#query = { offset: 0, limit: 20 };
      let run: StudioRun | undefined;
      try {
        run = (await listRuns()).find((r) => r.id === runId || r.name === runId);
      } catch (error) {
        const e = error as Error & { status?: number };
        this.onError(e.message, e.status ?? 0);
      }
      this.#title.textContent = `Traces · ${run?.name ?? runId}`;
      this.#buildForm(Object.keys(run?.curation?.droppedBy ?? {}));
    }
    await this.#load();
  }

  #buildForm(reasons: string[]): void {
    const search = el('label', 'field grow');
    const q = el('input');
    q.type = 'search';
    q.name = 'q';
    q.placeholder = 'Search prompt, thinking, answer…';
    q.setAttribute('aria-label', 'Search');
    search.append(el('span', '', 'Search'), q);
    this.#form.replaceChildren(
      select('Verdict', 'verdict', [
        ['', 'Any'],
        ['correct', 'Correct'],
        ['wrong', 'Wrong'],
        ['none', 'No verdict'],
      ]),
      select('Outcome', 'outcome', [
        ['', 'Any'],
        ['kept', 'Kept'],
        ['dropped', 'Dropped'],
      ]),
      select('Dropped by', 'filter', [['', 'Any check'], ...reasons.map((r): [string, string] => [r, r])]),
      search,
    );
  }

  #apply(): void {
    const data = new FormData(this.#form);
    const get = (k: string) => (data.get(k) as string | null) || undefined;
    this.#query = {
      verdict: get('verdict'),
      outcome: get('outcome'),
      filter: get('filter'),
      q: get('q'),
      offset: 0,
      limit: 20,
    };
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const page = await listSamples(this.#runId, this.#query);
      this.#list.replaceChildren(...page.data.map(sampleCard));
      if (page.total === 0) this.#list.append(el('p', 'empty', 'No samples match.'));
      const from = page.total === 0 ? 0 : page.offset + 1;
      const to = page.offset + page.data.length;
      const prev = el('button', 'secondary', 'Previous');
      prev.type = 'button';
      prev.disabled = page.offset === 0;
      prev.addEventListener('click', () => {
        this.#query = { ...this.#query, offset: Math.max(0, page.offset - page.limit) };
        void this.#load();
      });
      const next = el('button', 'secondary', 'Next');
      next.type = 'button';
      next.disabled = to >= page.total;
      next.addEventListener('click', () => {
        this.#query = { ...this.#query, offset: page.offset + page.limit };
        void this.#load();
      });
      this.#pager.replaceChildren(prev, el('span', 'range', `${n(from)}–${n(to)} of ${n(page.total)}`), next);
    } catch (error) {
      const e = error as Error & { status?: number };
      this.#list.replaceChildren(el('p', 'empty', `Could not load the samples: ${e.message}`));
      this.#pager.replaceChildren();
      this.onError(e.message, e.status ?? 0);
    }
  }
}
