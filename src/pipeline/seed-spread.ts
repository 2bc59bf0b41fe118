/** One markdown table: header cells and body rows (cells trimmed). */
interface Table {
  header: string[];
  rows: string[][];
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

/** The first markdown table in `text` (header, separator, rows), or undefined. */
export function firstMarkdownTable(text: string): Table | undefined {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i] as string;
    const sep = lines[i + 1] as string;
    if (!head.trim().startsWith('|') || !/^\s*\|[\s:|-]+\|\s*$/.test(sep)) continue;
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length && (lines[j] as string).trim().startsWith('|'); j++)
      rows.push(cells(lines[j] as string));
    return { header: cells(head), rows };
  }
  return undefined;
}

/** The leading number of a cell (`35.0% (28.7%–41.8%)` → 35, `1,272` → 1272), or undefined for text. */
function leadingNumber(cell: string): { value: number; unit: string } | undefined {
  const m = /^(-?[\d,]*\.?\d+)\s*(%|[KMG]B?|KB|MB)?(?:\s|$)/.exec(cell);
  if (!m) return undefined;
  const value = Number((m[1] as string).replaceAll(',', ''));
  return Number.isFinite(value) ? { value, unit: m[2] ?? '' } : undefined;
}

function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/**
 * One table from the same table printed by N runs (one per seed): rows matched by their first cell, every numeric
 * cell as `mean ± sd` (sample sd over the runs; the first run's cell when every run agrees), text cells from the first run. Rows missing in a run are skipped.
 */
export function spreadTable(tables: readonly string[]): string {
  const parsed = tables.map(firstMarkdownTable).filter((t): t is Table => t !== undefined);
  const first = parsed[0];
  if (!first) return '';
  const out = [
    `| ${first.header.join(' | ')} |`,
    `|${first.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
  ];
  for (const row of first.rows) {
    const key = row[0];
    const same = parsed.map((t) => t.rows.find((r) => r[0] === key));
    if (same.some((r) => r === undefined)) continue;
    const line = row.map((cell, c) => {
      if (c === 0) return cell;
      const nums = same.map((r) => leadingNumber((r as string[])[c] ?? ''));
      if (nums.some((n) => n === undefined)) return cell;
      const { mean, sd } = meanSd(nums.map((n) => (n as { value: number }).value));
      const unit = (nums[0] as { unit: string }).unit;
      return sd === 0 ? cell : `${fmt(mean)}${unit} ± ${fmt(sd)}${unit}`;
    });
    out.push(`| ${line.join(' | ')} |`);
  }
  return `${out.join('\n')}\n\n(mean ± sd over ${parsed.length} seeds)`;
}
