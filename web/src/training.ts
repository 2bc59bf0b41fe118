import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './training.css';
import { el, failureOf } from './dom.ts';
import { listRuns } from './studio-api.ts';
import { getMetrics, type TrainMetrics } from './training-api.ts';

type Column = (number | null)[];

/** One chart: a title, a uPlot over step → series, and the number of points it shows (for tests and screen readers). */
class Chart {
  readonly root = el('figure', 'chart');
  #plot: uPlot | undefined;

  constructor(
    readonly key: string,
    readonly title: string,
    private readonly series: uPlot.Series[],
    private readonly format: (v: number) => string,
  ) {
    this.root.dataset.chart = key;
    this.root.dataset.points = '0';
    this.root.append(el('h3', '', title));
  }

  /** Draw (or redraw) with `x` and one column per series. */
  set(x: number[], columns: Column[]): void {
    const data = [x, ...columns] as uPlot.AlignedData;
    const points = columns.reduce((sum, c) => sum + c.filter((v) => v !== null).length, 0);
    this.root.dataset.points = String(points);
    this.root.setAttribute('aria-label', `${this.title}: ${points} points`);
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    const fmt = this.format;
    this.#plot = new uPlot(
      {
        width: this.#width(),
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { size: 64, values: (_u, ticks) => ticks.map((t) => fmt(t)) }],
        series: [{ label: 'step' }, ...this.series],
        legend: { live: true },
      },
      data,
      this.root,
    );
  }

  resize(): void {
    this.#plot?.setSize({ width: this.#width(), height: 220 });
  }

  destroy(): void {
    this.#plot?.destroy();
    this.#plot = undefined;
  }

  #width(): number {
    return Math.max(280, (this.root.clientWidth || 560) - 16);
  }
}

const num = (v: number): string =>
  Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : v.toPrecision(3);

/**
 * The Training view of one train run: loss and eval loss, tokens/s and learning rate per step, from the run's
 * metrics.jsonl through `/api/runs/:id/metrics`. While the run is `running` it polls for the new lines only.
 */
export class TrainingView {
  readonly root = el('section', 'studio training');
  readonly #title = el('h2');
  readonly #stats = el('p', 'training-stats');
  readonly #charts = el('div', 'charts');
  #loss!: Chart;
  #speed!: Chart;
  #lr!: Chart;
  #runId = '';
  #next = 0;
  #data: TrainMetrics['steps'] = { step: [], loss: [], lr: [], tokensPerS: [], t: [] };
  #evals: TrainMetrics['evals'] = { step: [], evalLoss: [] };
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #resize = new ResizeObserver(() => {
    for (const c of [this.#loss, this.#speed, this.#lr]) c.resize();
  });

  constructor(private readonly onError: (message: string, status: number) => void) {
    this.root.setAttribute('aria-label', 'Training');
    const head = el('div', 'training-head');
    head.append(this.#title, this.#stats);
    this.#makeCharts();
    this.root.append(head, this.#charts);
    this.#resize.observe(this.#charts);
  }

  #makeCharts(): void {
    this.#loss = new Chart(
      'loss',
      'Loss',
      [
        { label: 'train loss', stroke: '#2f5fd0', width: 2 },
        {
          label: 'eval loss',
          stroke: '#c0392b',
          width: 2,
          spanGaps: true,
          points: { show: true, size: 7, fill: '#c0392b' },
        },
      ],
      num,
    );
    this.#speed = new Chart('tokens', 'Tokens/s', [{ label: 'tokens/s', stroke: '#1b7f3b', width: 2 }], num);
    this.#lr = new Chart('lr', 'Learning rate', [{ label: 'lr', stroke: '#b0601e', width: 2 }], (v) =>
      v.toExponential(1),
    );
    this.#charts.replaceChildren(this.#loss.root, this.#speed.root, this.#lr.root);
  }

  async show(runId: string): Promise<void> {
    this.stop();
    if (runId !== this.#runId) {
      this.#runId = runId;
      this.#next = 0;
      this.#data = { step: [], loss: [], lr: [], tokensPerS: [], t: [] };
      this.#evals = { step: [], evalLoss: [] };
      for (const c of [this.#loss, this.#speed, this.#lr]) c.destroy();
      this.#makeCharts();
      this.#title.textContent = 'Training';
      this.#stats.textContent = '';
      try {
        const run = (await listRuns()).find((r) => r.id === runId || r.name === runId);
        // Train runs are named by their absolute output path: show the file, keep the path as the tooltip.
        if (run) {
          this.#title.textContent = `Training · ${run.name.split('/').at(-1)}`;
          this.#title.title = run.name;
        }
      } catch (error) {
        const f = failureOf(error);
        this.onError(f.message, f.status);
      }
    }
    await this.#poll();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    const runId = this.#runId;
    let page: TrainMetrics;
    try {
      page = await getMetrics(runId, this.#next);
    } catch (error) {
      const f = failureOf(error);
      this.#stats.textContent = `Could not load the metrics: ${f.message}`;
      this.onError(f.message, f.status);
      return;
    }
    if (runId !== this.#runId) return;
    this.#next = page.next;
    for (const k of ['step', 'loss', 'lr', 'tokensPerS', 't'] as const)
      (this.#data[k] as (number | null)[]).push(...page.steps[k]);
    this.#evals.step.push(...page.evals.step);
    this.#evals.evalLoss.push(...page.evals.evalLoss);
    this.#draw(page);
    if (page.status === 'running' || page.status === 'pending')
      this.#timer = setTimeout(() => void this.#poll(), 2000);
  }

  #draw(page: TrainMetrics): void {
    const d = this.#data;
    const last = d.step.length - 1;
    const evalLoss = this.#evals.evalLoss.at(-1);
    this.#stats.replaceChildren(
      el('span', `run-status ${page.status}`, page.status),
      document.createTextNode(
        [
          '',
          `step ${last >= 0 ? d.step[last] : 0}${page.totalSteps ? ` / ${page.totalSteps}` : ''}`,
          last >= 0 && d.loss[last] !== null ? `loss ${d.loss[last]!.toFixed(4)}` : '',
          evalLoss !== undefined ? `eval loss ${evalLoss.toFixed(4)}` : '',
          last >= 0 && d.tokensPerS[last] !== null ? `${Math.round(d.tokensPerS[last]!)} tok/s` : '',
          page.exists ? '' : 'no metrics written yet',
        ]
          .filter((p, i) => i === 0 || p)
          .join(' · '),
      ),
    );
    // The loss chart's x axis holds both the steps and the eval points (eval loss is sparse).
    const evalAt = new Map(this.#evals.step.map((s, i) => [s, this.#evals.evalLoss[i]!]));
    const lossAt = new Map(d.step.map((s, i) => [s, d.loss[i] ?? null]));
    const xs = [...new Set([...d.step, ...this.#evals.step])].sort((a, b) => a - b);
    this.#loss.set(xs, [xs.map((s) => lossAt.get(s) ?? null), xs.map((s) => evalAt.get(s) ?? null)]);
    this.#speed.set(d.step, [d.tokensPerS]);
    this.#lr.set(d.step, [d.lr]);
  }
}
