import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeWithRun } from '../testing/fixture-run.ts';
import { plantedRun } from '../testing/planted-run.ts';
import { checkReadersScript, ensureReadersVenv } from '../testing/readers-venv.ts';

interface ReaderReport {
  versions: { mlcroissant: string; datasets: string };
  exports: Array<{
    dir: string;
    format: string;
    croissant: {
      errors: string[];
      warnings: string[];
      logged: string[];
      records: number;
      first: Record<string, unknown> | null;
      mismatches: unknown[];
    };
    provenance: { records: number; rows: number; mismatches: unknown[] };
    rows: number;
    first_row: Record<string, unknown> | null;
    datasets: { rows: number; first_equal: boolean; columns: string[] };
  }>;
}

const CASES = [
  { format: 'jsonl', style: 'messages' },
  { format: 'jsonl', style: 'prompt-completion' },
  { format: 'parquet', style: 'messages' },
  { format: 'parquet', style: 'prompt-completion' },
] as const;

const PARQUET_PROVENANCE_COLUMNS = [
  'correct',
  'id',
  'provenance',
  'source_dataset',
  'teacher',
  'train_policy',
];

// Installs mlcroissant + datasets from PyPI into a cached venv (src/curate/export/readers-requirements.txt) on
// first run: slow suite only.
describe.runIf(process.env.DISTILL_SLOW === '1')('exports read by the reference readers', () => {
  const ctx = storeWithRun('gen-readers', plantedRun().inputs);
  ctx.store.close();
  afterAll(() => ctx.dispose());
  const store = join(ctx.dir, 'distill.sqlite');
  const cli = (...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['bin/distill.mjs', ...args, '--store', store, '--json'], {
        encoding: 'utf8',
      }),
    );
  let report: ReaderReport;
  const written = new Map<string, number>();

  beforeAll(async () => {
    const venv = await ensureReadersVenv({ onProgress: (m) => process.stderr.write(`${m}\n`) });
    cli('curate', 'gen-readers');
    const args: string[] = [];
    for (const c of CASES) {
      const out = join(ctx.dir, `${c.format}-${c.style}`);
      const res = cli('export', 'gen-readers', '--out', out, '--format', c.format, '--style', c.style);
      written.set(out, res.rows);
      args.push(`${out}:${c.format}`);
    }
    report = JSON.parse(
      execFileSync(venv.python, [checkReadersScript(), ...args], {
        encoding: 'utf8',
        env: { ...process.env, HF_HOME: join(ctx.dir, 'hf-home') },
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
  }, 900_000);

  it('were the pinned versions', () => {
    expect(report.versions).toEqual({ mlcroissant: '1.1.1', datasets: '5.2.0' });
  });

  it.each(CASES)(
    'mlcroissant validates $format/$style with no error or warning and yields every row',
    (c) => {
      const out = join(ctx.dir, `${c.format}-${c.style}`);
      const r = report.exports.find((e) => e.dir === out);
      if (!r) throw new Error(`no report for ${out}`);
      expect(r.croissant.errors).toEqual([]);
      expect(r.croissant.warnings).toEqual([]);
      expect(r.croissant.logged).toEqual([]);
      const rows = written.get(out);
      expect(rows).toBeGreaterThan(0);
      expect(r.rows).toBe(rows);
      expect(r.croissant.records).toBe(rows);
      // The first record, as mlcroissant yields it, is the first row of the file; and so is every other.
      expect(r.croissant.first).toEqual(r.first_row);
      expect(r.croissant.mismatches).toEqual([]);
      const first = r.croissant.first as Record<string, unknown>;
      if (c.style === 'messages')
        expect((first.messages as Array<{ role: string }>).map((m) => m.role)).toEqual(['user', 'assistant']);
      else expect(String(first.completion)).toMatch(/^<think>\n/);
      if (c.format === 'parquet')
        expect(Object.keys(first)).toEqual(expect.arrayContaining(PARQUET_PROVENANCE_COLUMNS));
      expect(r.provenance).toEqual({ records: rows, rows, mismatches: [] });
    },
  );

  it.each(CASES)('datasets.load_dataset reads $format/$style with every row', (c) => {
    const out = join(ctx.dir, `${c.format}-${c.style}`);
    const r = report.exports.find((e) => e.dir === out);
    if (!r) throw new Error(`no report for ${out}`);
    expect(r.datasets.rows).toBe(written.get(out));
    expect(r.datasets.first_equal).toBe(true);
    const main = c.style === 'messages' ? ['messages'] : ['completion', 'prompt'];
    expect(r.datasets.columns).toEqual(
      (c.format === 'parquet' ? [...main, ...PARQUET_PROVENANCE_COLUMNS] : main).sort(),
    );
  });
});
