import { z } from 'zod';
import type { CurationSummary } from '../curation-summary.ts';
import { datasetLicense } from './dataset-card.ts';
import type { ExportStats } from './export-stats.ts';
import type { ExportFormat, ExportStyle } from './records.ts';

const CONFORMS = ['http://mlcommons.org/croissant/1.0', 'http://mlcommons.org/croissant/RAI/1.0'];

/** The Croissant 1.0 JSON-LD context, plus RAI and W3C PROV. */
export const CROISSANT_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  sc: 'https://schema.org/',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  dct: 'http://purl.org/dc/terms/',
  prov: 'http://www.w3.org/ns/prov#',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileObject: 'cr:fileObject',
  fileProperty: 'cr:fileProperty',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
} as const;

const FieldSchema = z.object({
  '@type': z.literal('cr:Field'),
  '@id': z.string(),
  name: z.string(),
  dataType: z.string(),
  source: z.object({
    fileObject: z.object({ '@id': z.string() }),
    extract: z.object({ jsonPath: z.string() }).or(z.object({ column: z.string() })),
  }),
});

/** The Croissant fields Distill promises (core + RAI), checked before the file is written. */
export const CroissantSchema = z.object({
  '@context': z
    .object({ cr: z.literal(CROISSANT_CONTEXT.cr), rai: z.literal(CROISSANT_CONTEXT.rai) })
    .loose(),
  '@type': z.literal('sc:Dataset'),
  name: z.string().min(1),
  description: z.string().min(1),
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
  recordSet: z
    .array(
      z.object({
        '@type': z.literal('cr:RecordSet'),
        '@id': z.string(),
        name: z.string(),
        field: z.array(FieldSchema).min(1),
      }),
    )
    .min(1),
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
  stats: ExportStats;
  curation: CurationSummary | undefined;
  termsRiskAccepted: boolean;
}

function fields(input: CroissantInput): z.infer<typeof FieldSchema>[] {
  const file = { '@id': input.dataFile };
  const extract = (path: string) =>
    input.format === 'jsonl' ? { jsonPath: `$.${path}` } : { column: path.split('[')[0] as string };
  const f = (name: string, path: string) => ({
    '@type': 'cr:Field' as const,
    '@id': `train/${name}`,
    name,
    dataType: 'sc:Text',
    source: { fileObject: file, extract: extract(path) },
  });
  return input.style === 'messages'
    ? [f('messages', 'messages')]
    : [f('prompt', 'prompt'), f('completion', 'completion')];
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
  const risk =
    s.notAllowed > 0
      ? ` ${s.notAllowed} rows come from teachers whose terms do not allow training on outputs; exported with --accept-terms-risk${input.termsRiskAccepted ? '' : ' NOT given'}.`
      : '';
  return CroissantSchema.parse({
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    name: input.name,
    description: `Machine-generated reasoning traces (thinking + answer) from run ${input.runId}, verified and curated for supervised fine-tuning.`,
    conformsTo: CONFORMS,
    license: datasetLicense(s),
    url: `./${input.dataFile}`,
    datePublished: new Date().toISOString().slice(0, 10),
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
    ],
    recordSet: [{ '@type': 'cr:RecordSet', '@id': 'train', name: 'train', field: fields(input) }],
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
