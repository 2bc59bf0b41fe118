import { type CodeSampleRow, codeSamplesHtml } from './compare-samples.ts';
import { comparisonRows, formatBytes, formatParams } from './compare-table.ts';
import type { EvalReport } from './report.ts';

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Grouped bar chart: accuracy by family, one bar per model. */
function familyChart(reports: EvalReport[]): string {
  const families = [...new Set(reports.flatMap((r) => Object.keys(r.byFamily)))].sort();
  if (families.length === 0) return '';
  const w = 640;
  const h = 240;
  const groupW = (w - 40) / families.length;
  const barW = Math.max(4, (groupW - 10) / reports.length);
  const bars = families.flatMap((f, fi) =>
    reports.map((r, ri) => {
      const v = r.byFamily[f]?.pass1 ?? 0;
      const x = 40 + fi * groupW + ri * barW;
      const bh = v * (h - 40);
      return `<rect x="${x.toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${COLORS[ri % COLORS.length]}"><title>${esc(r.name)} · ${esc(f)}: ${(100 * v).toFixed(1)}%</title></rect>`;
    }),
  );
  const labels = families.map(
    (f, fi) =>
      `<text x="${(40 + fi * groupW + groupW / 2).toFixed(1)}" y="${h - 5}" text-anchor="middle" font-size="11">${esc(f)}</text>`,
  );
  return `<svg role="img" aria-label="Accuracy by task family" viewBox="0 0 ${w} ${h}" width="100%">${axis(h)}${bars.join('')}${labels.join('')}</svg>`;
}

function axis(h: number): string {
  return [0, 0.5, 1]
    .map((v) => {
      const y = h - 20 - v * (h - 40);
      return `<line x1="35" x2="640" y1="${y}" y2="${y}" stroke="#ddd"/><text x="30" y="${y + 4}" text-anchor="end" font-size="10">${v * 100}%</text>`;
    })
    .join('');
}

/** Line chart: accuracy vs thinking budget, one line per model that has a curve. */
function budgetChart(reports: EvalReport[]): string {
  const withCurve = reports.filter((r) => r.budgetCurve.length > 0);
  if (withCurve.length === 0)
    return '<p>No thinking-budget sweep in these reports (run <code>distill eval --thinking-budgets 0,32,64,…</code>).</p>';
  const maxB = Math.max(1, ...withCurve.flatMap((r) => r.budgetCurve.map((p) => p.budget)));
  const w = 640;
  const h = 240;
  const lines = withCurve.map((r, i) => {
    const pts = r.budgetCurve.map(
      (p) => `${(40 + (p.budget / maxB) * (w - 60)).toFixed(1)},${(h - 20 - p.pass1 * (h - 40)).toFixed(1)}`,
    );
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(' ')}"><title>${esc(r.name)}</title></polyline>`;
  });
  return `<svg role="img" aria-label="Accuracy vs thinking budget" viewBox="0 0 ${w} ${h}" width="100%">${axis(h)}${lines.join('')}<text x="${w - 20}" y="${h - 5}" text-anchor="end" font-size="11">thinking budget (tokens, max ${maxB})</text></svg>`;
}

/** Scatter: file size vs accuracy. */
function sizeChart(reports: EvalReport[]): string {
  const pts = reports.filter((r) => r.model.fileBytes !== null);
  if (pts.length === 0) return '';
  const maxS = Math.max(...pts.map((r) => r.model.fileBytes ?? 0));
  const w = 640;
  const h = 240;
  const dots = pts.map((r) => {
    const x = 40 + ((r.model.fileBytes ?? 0) / maxS) * (w - 80);
    const y = h - 20 - r.overall.pass1 * (h - 40);
    return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="6" fill="${COLORS[reports.indexOf(r) % COLORS.length]}"><title>${esc(r.name)}</title></circle><text x="${(x + 8).toFixed(1)}" y="${(y + 4).toFixed(1)}" font-size="10">${esc(r.name)}</text>`;
  });
  return `<svg role="img" aria-label="Size vs accuracy" viewBox="0 0 ${w} ${h}" width="100%">${axis(h)}${dots.join('')}<text x="${w - 20}" y="${h - 5}" text-anchor="end" font-size="11">file size (max ${formatBytes(maxS)})</text></svg>`;
}

/**
 * A self-contained HTML page (no external assets) comparing reports, with three charts and, for code tasks, each
 * sample's pass/fail with the failing test (`codeRows`, from {@link codeSampleRows}).
 */
export function comparisonHtml(
  reports: EvalReport[],
  title = 'Distill comparison',
  codeRows: readonly CodeSampleRow[] = [],
): string {
  const rows = comparisonRows(reports);
  const legend = reports
    .map(
      (r, i) =>
        `<span class="key"><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(r.name)}</span>`,
    )
    .join(' ');
  const table = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td><td>${formatParams(r.params)}</td><td>${formatBytes(r.fileBytes)}</td><td>${(100 * r.pass1).toFixed(1)}% <small>(${(100 * r.ciLow).toFixed(1)}–${(100 * r.ciHigh).toFixed(1)})</small></td><td>${r.retained === null ? '—' : `${(100 * r.retained).toFixed(1)}%`}</td><td>${r.tokensPerSecond === null ? '—' : r.tokensPerSecond.toFixed(0)}</td><td>${r.meanReasoningTokens.toFixed(0)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:right}td:first-child,th:first-child{text-align:left}.key{margin-right:1em}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}#code-samples td{text-align:left;font-size:12px}#code-samples td.pass{color:#2e7d32}#code-samples td.fail{color:#b71c1c}</style></head>
<body><h1>${esc(title)}</h1><table id="comparison"><thead><tr><th>model</th><th>params</th><th>size</th><th>pass@1 (95% CI)</th><th>retained</th><th>tok/s</th><th>thinking tok</th></tr></thead><tbody>${table}</tbody></table>
<p>${legend}</p><h2>Accuracy by family</h2>${familyChart(reports)}<h2>Accuracy vs thinking budget</h2>${budgetChart(reports)}<h2>Size vs accuracy</h2>${sizeChart(reports)}${codeSamplesHtml(
    reports.map((r) => r.name),
    codeRows,
  )}
<p><small>Settings: ${esc(reports.map((r) => `${r.name}: ${r.tasks}, K=${r.settings.samples}, T=${r.settings.temperature}, verifier ${r.verifierVersion}`).join('; '))}</small></p></body></html>`;
}
