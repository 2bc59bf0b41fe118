import { z } from 'zod';
import type { CurationSummary } from '../curation-summary.ts';
import { CROISSANT_CONTEXT, DATASET_VERSION } from './croissant-context.ts';
import {
  PROVENANCE_FILE,
  provenanceRecordSet,
  RecordSetSchema,
  trainRecordSet,
} from './croissant-record-sets.ts';
import { datasetLicense } from './dataset-card.ts';
import type { ExportStats } from './export-stats.ts';
import type { ExportFormat, ExportStyle } from './records.ts';

const CONFORMS = ['http://mlcommons.org/croissant/1.0', 'http://mlcommons.org/croissant/RAI/1.0'];

/** The Croissant fields Distill promises (core + RAI), checked before the file is written. */
export const CroissantSchema = z.object({
  '@context': z
    .object({ cr: z.literal(CROISSANT_CONTEXT.cr), rai: z.literal(CROISSANT_CONTEXT.rai) })
    .loose(),
  '@type': z.literal('sc:Dataset'),
  name: z.string().min(1),
  description: z.string().min(1),
  citeAs: z.string().min(1),
  version: z.string().min(1),
  conformsTo: z
    .array(z.string())
    .refine((c) => CONFORMS.every((x) => c.includes(x)), 'must conform to 1.0 + RAI'),
  license: z.string().min(1),
  url: z.string().min(1),
  datePublished: z.string(),
  keywords: z.array(z.string()),
  distribution: z
    .array(
      z.object({
        '@type': z.literal('cr:FileObject'),
        '@id': z.string(),
        name: z.string(),
        contentUrl: z.string(),
        encodingFormat: z.string(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .min(1),
  recordSet: z.array(RecordSetSchema).min(1),
  'rai:dataCollection': z.string().min(1),
  'rai:dataCollectionType': z.array(z.string()).min(1),
  'rai:dataLimitations': z.string().min(1),
  'rai:dataUseCases': z.string().min(1),
  'rai:dataBiases': z.string().min(1),
  'rai:personalSensitiveInformation': z.string().min(1),
  'rai:dataPreprocessingProtocol': z.string().min(1),
  'prov:wasGeneratedBy': z
    .array(
      z.object({
        '@type': z.literal('prov:Activity'),
        name: z.string(),
        'prov:wasAssociatedWith': z.object({ '@type': z.literal('prov:SoftwareAgent'), name: z.string() }),
        description: z.string(),
      }),
    )
    .min(1),
});
export type Croissant = z.infer<typeof CroissantSchema>;

export interface CroissantInput {
  name: string;
  runId: string;
  format: ExportFormat;
  style: ExportStyle;
  dataFile: string;
  dataSha256: string;
  /** SHA-256 of provenance/samples.jsonl. */
  provenanceSha256: string;
  stats: ExportStats;
  curation: CurationSummary | undefined;
  termsRiskAccepted: boolean;
}

/** A BibTeX entry for the dataset (Croissant's `citeAs`). */
function citation(name: string, runId: string, published: string): string {
  const key = name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'dataset';
  const esc = (t: string) => t.replace(/[{}\\]/g, '');
  return `@misc{${key}, title = {{${esc(name)}}: machine-generated reasoning traces}, note = {Exported by Distill from run ${esc(runId)}; version ${DATASET_VERSION}}, year = {${published.slice(0, 4)}}}`;
}

/** The Croissant JSON-LD description of an export, with the RAI fields and a teachers/obligations summary. */
export function buildCroissant(input: CroissantInput): Croissant {
  const s = input.stats;
  const teachers = Object.entries(s.teachers).sort();
  const teacherText = teachers
    .map(
      ([k, t]) =>
        `${k} (${t.samples} rows, terms ${t.termsId}: train ${t.train}${t.obligations.length ? `; obligations: ${t.obligations.join('; ')}` : ''})`,
    )
    .join('; ');
  const c = input.curation;
  const published = new Date().toISOString().slice(0, 10);
  const risk =
    s.notAllowed > 0
      ? ` ${s.notAllowed} rows come from teachers whose terms do not allow training on outputs; exported with --accept-terms-risk${input.termsRiskAccepted ? '' : ' NOT given'}.`
      : '';
  return CroissantSchema.parse({
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    name: input.name,
    description: `Machine-generated reasoning traces (thinking + answer) from run ${input.runId}, verified and curated for supervised fine-tuning.`,
    citeAs: citation(input.name, input.runId, published),
    version: DATASET_VERSION,
    conformsTo: CONFORMS,
    license: datasetLicense(s),
    url: `./${input.dataFile}`,
    datePublished: published,
    keywords: ['reasoning', 'distillation', 'chain-of-thought', 'synthetic'],
    distribution: [
      {
        '@type': 'cr:FileObject',
        '@id': input.dataFile,
        name: input.dataFile,
        contentUrl: input.dataFile,
        encodingFormat: input.format === 'jsonl' ? 'application/jsonlines' : 'application/x-parquet',
        sha256: input.dataSha256,
      },
      {
        '@type': 'cr:FileObject',
        '@id': PROVENANCE_FILE,
        name: PROVENANCE_FILE,
        contentUrl: PROVENANCE_FILE,
        encodingFormat: 'application/jsonlines',
        sha256: input.provenanceSha256,
      },
    ],
    recordSet: [trainRecordSet(input.format, input.style, input.dataFile), provenanceRecordSet()],
    'rai:dataCollection': `Prompts from ${Object.keys(s.sourceDatasets).join(', ')} were sent to teacher models, which answered with visible reasoning. Teachers: ${teacherText}.`,
    'rai:dataCollectionType': ['Machine-generated', 'Synthetic data'],
    'rai:dataLimitations': `Traces are machine-generated; ${s.correct} of ${s.rows} rows are verified correct against a gold answer, and a correct answer does not prove every reasoning step. English only.${risk}`,
    'rai:dataUseCases': `Supervised fine-tuning of small reasoning models. Subject to the teachers' terms: ${teacherText}.`,
    'rai:dataBiases':
      'Inherits the biases and error patterns of the teacher models and of the prompt sources.',
    'rai:personalSensitiveInformation':
      'None expected: prompts are math and reasoning problems; identity self-mentions of the teachers were filtered.',
    'rai:dataPreprocessingProtocol': c
      ? `Kept ${c.kept} of ${c.total} samples. Drops: ${
          Object.entries(c.dropped)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }. Decontaminated against: ${c.evalSets.map((e) => e.name).join(', ') || 'none'} (word 8-gram overlap and fuzzy ratio ≥ 0.95).`
      : 'Not curated.',
    'prov:wasGeneratedBy': teachers.map(([k, t]) => ({
      '@type': 'prov:Activity',
      name: `generation by ${k}`,
      'prov:wasAssociatedWith': { '@type': 'prov:SoftwareAgent', name: `${t.provider}/${t.modelId}` },
      description: `${t.samples} rows; access ${t.access}; terms ${t.termsUrl} (sha256 ${t.termsSha256}); train ${t.train}; obligations: ${t.obligations.join('; ') || 'none'}`,
    })),
  });
}
