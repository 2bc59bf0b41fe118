import './compare.css';
import {
  type Comparison,
  type ComparisonRow,
  compareReports,
  listEvals,
  type StudioEval,
} from './compare-api.ts';
import { el, failureOf } from './dom.ts';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function params(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return String(n);
}

function bytes(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} B`;
}

/** pass@1 with its 95% interval drawn as a bar (the number is the text; the bar is decoration). */
function accuracyCell(r: ComparisonRow): HTMLTableCellElement {
  const td = el('td', 'acc');
  const bar = el('span', 'ci');
  bar.setAttribute('aria-hidden', 'true');
  const range = el('span', 'ci-range');
  range.style.left = `${100 * Math.max(0, r.ciLow)}%`;
  range.style.width = `${100 * Math.max(0, Math.min(1, r.ciHigh) - Math.max(0, r.ciLow))}%`;
  const mark = el('span', 'ci-mark');
  mark.style.left = `${100 * r.pass1}%`;
  bar.append(range, mark);
  td.append(el('span', 'num', `${pct(r.pass1)} (${pct(r.ciLow)}–${pct(r.ciHigh)})`), bar);
  return td;
}

function table(head: string[], rows: HTMLTableRowElement[], className: string): HTMLElement {
  const t = el('table', `runs-table ${className}`);
  const tr = el('tr');
  for (const h of head) tr.append(el('th', '', h));
  t.append(el('thead'), el('tbody'));
  t.tHead!.append(tr);
  t.tBodies[0]!.append(...rows);
  const wrap = el('div', 'table-wrap');
  wrap.append(t);
  return wrap;
}

/** The same table as `distill compare`: the first report is the baseline for "retained". */
function comparisonTables(c: Comparison): HTMLElement[] {
  const main = c.rows.map((r) => {
    const tr = el('tr', 'compare-row');
    tr.dataset.label = r.label;
    tr.append(
      el('td', '', r.label),
      el('td', 'num', params(r.params)),
      el('td', 'num', bytes(r.fileBytes)),
      accuracyCell(r),
      el('td', 'num', r.retained === null ? '—' : pct(r.retained)),
      el('td', 'num', pct(r.majK)),
      el('td', 'num', r.tokensPerSecond === null ? '—' : r.tokensPerSecond.toFixed(0)),
      el('td', 'num', r.meanReasoningTokens.toFixed(0)),
      el('td', 'num', String(r.problems)),
    );
    return tr;
  });
  const out = [
    table(
      [
        'Model',
        'Params',
        'Size',
        'pass@1 (95% CI)',
        'Retained',
        'maj@K',
        'tok/s',
        'Thinking tok',
        'Problems',
      ],
      main,
      'compare-table',
    ),
  ];
  const families = [...new Set(c.rows.flatMap((r) => Object.keys(r.byFamily)))].sort();
  if (families.length > 1) {
    const rows = c.rows.map((r) => {
      const tr = el('tr');
      tr.append(el('td', '', r.label));
      for (const f of families)
        tr.append(el('td', 'num', r.byFamily[f] === undefined ? '—' : pct(r.byFamily[f]!)));
      return tr;
    });
    out.push(el('h3', '', 'pass@1 by task family'), table(['Model', ...families], rows, 'family-table'));
  }
  return out;
}

/**
 * The Compare view: pick stored eval reports (the first checked is the baseline) and see them side by side, as
 * `distill compare` prints them.
 */
export class CompareView {
  readonly root = el('section', 'studio compare');
  readonly #picker = el('form', 'report-picker');
  readonly #result = el('div', 'comparison');
  #evals: StudioEval[] = [];

  constructor(private readonly onError: (message: string, status: number) => void) {
    this.root.setAttribute('aria-label', 'Compare');
    this.#picker.addEventListener('change', () => void this.#compare());
    this.#picker.addEventListener('submit', (e) => e.preventDefault());
    this.root.append(el('h2', '', 'Compare evaluations'), this.#picker, this.#result);
  }

  /**
   * Show the stored reports, all checked, `selected[0]` (id or name) first as the baseline; with two or more
   * `selected`, only those are checked, in that order.
   */
  async show(selected: string[] = []): Promise<void> {
    try {
      this.#evals = await listEvals();
    } catch (error) {
      const f = failureOf(error);
      this.#picker.replaceChildren();
      this.#result.replaceChildren(el('p', 'empty', `Could not load the eval reports: ${f.message}`));
      this.onError(f.message, f.status);
      return;
    }
    if (this.#evals.length === 0) {
      this.#picker.replaceChildren();
      this.#result.replaceChildren(
        el('p', 'empty', 'No eval reports in this store yet: run `distill eval MODEL --tasks SPEC`.'),
      );
      return;
    }
    // Baseline first: the selected order, else the oldest report first (usually the teacher).
    const wanted = selected.length
      ? selected
      : [...this.#evals].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((e) => e.id);
    const ordered = [
      ...wanted
        .map((w) => this.#evals.find((e) => e.id === w || e.name === w))
        .filter((e): e is StudioEval => e !== undefined),
    ];
    for (const e of this.#evals) if (!ordered.includes(e)) ordered.push(e);
    const boxes = ordered.map((e) => {
      const label = el('label', 'report-choice');
      const box = el('input');
      box.type = 'checkbox';
      box.name = 'report';
      box.value = e.id;
      // One report named (a click in Runs): it is the baseline, compared with all the others.
      box.checked = selected.length <= 1 || wanted.includes(e.id) || wanted.includes(e.name);
      label.dataset.report = e.name;
      label.append(
        box,
        el('span', '', ` ${e.name}`),
        el('small', '', ` ${e.tasks} · ${pct(e.pass1)} · ${new Date(e.createdAt).toLocaleString()}`),
      );
      return label;
    });
    this.#picker.replaceChildren(
      el('p', 'hint', 'The first checked report is the baseline for “retained”.'),
      ...boxes,
    );
    await this.#compare();
  }

  async #compare(): Promise<void> {
    const ids = new FormData(this.#picker).getAll('report').map(String);
    if (ids.length === 0) {
      this.#result.replaceChildren(el('p', 'empty', 'Check at least one report.'));
      return;
    }
    try {
      const comparison = await compareReports(ids);
      this.#result.replaceChildren(...comparisonTables(comparison));
    } catch (error) {
      const f = failureOf(error);
      this.#result.replaceChildren(el('p', 'empty', `Could not compare: ${f.message}`));
      this.onError(f.message, f.status);
    }
  }
}
