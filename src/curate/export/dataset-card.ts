import { stringify } from 'yaml';
import { z } from 'zod';
import type { CurationSummary } from '../curation-summary.ts';
import type { ExportStats } from './export-stats.ts';
import type { ExportFormat, ExportStyle } from './records.ts';

/** The HF dataset-card YAML keys every export carries (validated before writing). */
export const CardFrontMatterSchema = z.object({
  pretty_name: z.string().min(1),
  license: z.string().min(1),
  language: z.array(z.string()).min(1),
  annotations_creators: z.array(z.literal('machine-generated')).min(1),
  language_creators: z.array(z.string()).min(1),
  source_datasets: z.array(z.string()).min(1),
  task_categories: z.array(z.string()).min(1),
  size_categories: z
    .array(z.enum(['n<1K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M', 'n>10M']))
    .length(1),
  tags: z.array(z.string()),
  configs: z
    .array(
      z.object({
        config_name: z.string(),
        data_files: z.array(z.object({ split: z.string(), path: z.string() })).min(1),
      }),
    )
    .min(1),
});
export type CardFrontMatter = z.infer<typeof CardFrontMatterSchema>;

/** HF `size_categories` bucket for a row count. */
export function sizeCategory(rows: number): CardFrontMatter['size_categories'][number] {
  if (rows < 1_000) return 'n<1K';
  if (rows < 10_000) return '1K<n<10K';
  if (rows < 100_000) return '10K<n<100K';
  if (rows < 1_000_000) return '100K<n<1M';
  if (rows < 10_000_000) return '1M<n<10M';
  return 'n>10M';
}

/** Hub ids of the eval/prompt datasets Distill ships slices of; built-in families are `original`. */
const HUB_IDS: Record<string, string> = { gsm8k: 'openai/gsm8k', math500: 'HuggingFaceH4/MATH-500' };

function sourceDatasetIds(stats: ExportStats): string[] {
  const ids = new Set<string>();
  for (const name of Object.keys(stats.sourceDatasets)) {
    if (name.startsWith('builtin')) ids.add('original');
    else ids.add(HUB_IDS[name] ?? name);
  }
  return ids.size === 0 ? ['original'] : [...ids].sort();
}

/** One HF licence id for the whole dataset: the prompts' common licence, else `other`. */
export function datasetLicense(stats: ExportStats): string {
  const licenses = Object.keys(stats.promptLicenses);
  return licenses.length === 1 && licenses[0] !== 'unknown' ? (licenses[0] as string).toLowerCase() : 'other';
}

export interface CardInput {
  name: string;
  runId: string;
  format: ExportFormat;
  style: ExportStyle;
  dataFile: string;
  stats: ExportStats;
  curation: CurationSummary | undefined;
  termsRiskAccepted: boolean;
}

/** The front matter of the card. */
export function cardFrontMatter(input: CardInput): CardFrontMatter {
  const tags = ['reasoning', 'distillation', 'chain-of-thought', 'synthetic', 'distill'];
  if (input.termsRiskAccepted && input.stats.notAllowed > 0) tags.push('terms-risk-accepted');
  return CardFrontMatterSchema.parse({
    pretty_name: input.name,
    license: datasetLicense(input.stats),
    language: ['en'],
    annotations_creators: ['machine-generated'],
    language_creators: ['machine-generated'],
    source_datasets: sourceDatasetIds(input.stats),
    task_categories: ['text-generation', 'question-answering'],
    size_categories: [sizeCategory(input.stats.rows)],
    tags,
    configs: [{ config_name: 'default', data_files: [{ split: 'train', path: input.dataFile }] }],
  });
}

function teacherLines(stats: ExportStats): string[] {
  const lines = [
    '| teacher | access | samples | may train? | obligations | terms |',
    '|---|---|---|---|---|---|',
  ];
  for (const [key, t] of Object.entries(stats.teachers).sort())
    lines.push(
      `| ${key} | ${t.access} | ${t.samples} | ${t.train} | ${t.obligations.join('; ') || '—'} | [${t.termsId}](${t.termsUrl}) (sha256 ${t.termsSha256.slice(0, 12)}…) |`,
    );
  return lines;
}

/** How the teachers' thinking ended: forced or cut traces generated, dropped, and exported (issue 22). */
function thinkingEndLines(s: ExportStats, c: CardInput['curation']): string[] {
  const exported = Object.entries(s.thinkingEnds)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const forced = ['budget', 'answer-now', 'max-tokens-reserve'].reduce(
    (n, k) => n + (s.thinkingEnds[k] ?? 0),
    0,
  );
  const lines = [
    `Thinking ended (exported rows): ${exported || 'none'}. ${forced} exported rows had their thinking ended by a budget, answer-now or the max-tokens reserve${forced > 0 ? ' (kept with `--keep-forced`)' : ''}.`,
  ];
  if (c) {
    const flagged = c.flagged['cut-short'] ?? 0;
    const dropped = c.dropped['cut-short'] ?? 0;
    lines.push(
      `Cut-short traces (thinking forced or cut) among the ${c.total} generated: ${flagged}; ${dropped} dropped for it first.`,
    );
  }
  return lines;
}

/** The dataset card `README.md`: HF YAML front matter, then description, provenance, filters and terms. */
export function renderDatasetCard(input: CardInput): string {
  const fm = cardFrontMatter(input);
  const s = input.stats;
  const obligations = [...new Set(Object.values(s.teachers).flatMap((t) => t.obligations))];
  const risky = Object.entries(s.teachers).filter(([, t]) => t.train === 'notAllowed');
  const lines = [
    '---',
    stringify(fm).trimEnd(),
    '---',
    '',
    `# ${input.name}`,
    '',
    `Reasoning traces distilled from teacher models with Distill, curated from run \`${input.runId}\`.`,
    `${s.rows} rows in \`${input.dataFile}\` (${input.format}, \`${input.style}\` style). The assistant turn holds the`,
    'thinking the way DeepSeek-R1-Distill formats it: `<think>\\n…\\n</think>\\n\\nanswer`.',
    `${s.correct} of ${s.rows} rows were verified correct against their gold answer.`,
    '',
    '## Provenance',
    '',
    'Every row was generated by a teacher model (annotations: machine-generated). Per-row provenance (prompt source',
    'and licence, teacher, terms snapshot, use policy, generation settings, verification and every filter result)',
    'is in `provenance/samples.jsonl`, one line per row in the same order.',
    '',
    ...teacherLines(s),
    '',
    `Prompt sources: ${Object.entries(s.sourceDatasets)
      .map(([k, v]) => `${k} (${v})`)
      .join(', ')}.`,
    `Prompt licences: ${Object.entries(s.promptLicenses)
      .map(([k, v]) => `${k} (${v})`)
      .join(', ')}.`,
    '',
    '### Obligations',
    '',
    ...(obligations.length === 0 ? ['No teacher attached obligations.'] : obligations.map((o) => `- ${o}`)),
  ];
  if (risky.length > 0) {
    lines.push(
      '',
      '### Terms risk',
      '',
      `**${s.notAllowed} rows come from teachers whose terms do not allow training other models on their outputs:**`,
      ...risky.map(([k, t]) => `- ${k}: ${t.samples} rows, terms ${t.termsUrl}`),
      '',
      input.termsRiskAccepted
        ? 'The exporter was run with `--accept-terms-risk`: whoever trains on or distributes this dataset carries that risk.'
        : 'This export should not exist without `--accept-terms-risk`.',
    );
  }
  lines.push('', '## Curation', '');
  const c = input.curation;
  if (c) {
    const opts = c.options as { keep?: string; perPrompt?: string };
    lines.push(
      `Kept ${c.kept} of ${c.total} generated samples (keep: ${opts.keep}, per prompt: ${opts.perPrompt}).`,
      '',
      '| dropped because | samples |',
      '|---|---|',
      ...Object.entries(c.dropped).map(([k, v]) => `| ${k} | ${v} |`),
      '',
      c.evalSets.length > 0
        ? `Decontaminated (word 8-grams and fuzzy ratio ≥ 0.95, lowercase + whitespace-normalised) against: ${c.evalSets.map((e) => `${e.name} (${e.size} prompts)`).join(', ')}; ${c.contamination.length} prompts dropped.`
        : 'No decontamination was run: do not report evaluation results on sets these prompts may overlap.',
    );
  }
  lines.push('', ...thinkingEndLines(s, c));
  lines.push('', '| check (exported rows) | passed | failed |', '|---|---|---|');
  for (const [k, v] of Object.entries(s.checks).sort()) lines.push(`| ${k} | ${v.passed} | ${v.failed} |`);
  lines.push(
    '',
    '## Uses and limitations',
    '',
    '- Intended for supervised fine-tuning of small reasoning models (SFT on thinking + answer).',
    '- Traces are machine-generated; a verified answer does not guarantee that every reasoning step is sound.',
    "- The teachers' terms and obligations above apply to models trained on this data.",
    '',
  );
  return lines.join('\n');
}
