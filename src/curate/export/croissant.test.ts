import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curateRun } from '../curate-run.ts';
import { storeWithRun } from '../testing/fixture-run.ts';
import { plantedRun } from '../testing/planted-run.ts';
import { type Croissant, CroissantSchema } from './croissant.ts';
import { exportRun } from './export-run.ts';

// Croissant 1.0 spec, Appendix 1, plus the two keys mlcroissant's reference context adds (it warns without them),
// plus the PROV prefix for prov:wasGeneratedBy.
const SPEC_1_0_KEYS = [
  '@language',
  '@vocab',
  'sc',
  'cr',
  'rai',
  'dct',
  'citeAs',
  'column',
  'conformsTo',
  'data',
  'dataType',
  'examples',
  'extract',
  'field',
  'fileProperty',
  'fileObject',
  'fileSet',
  'format',
  'includes',
  'isLiveDataset',
  'jsonPath',
  'key',
  'md5',
  'parentField',
  'path',
  'recordSet',
  'references',
  'regex',
  'repeated',
  'replace',
  'separator',
  'source',
  'subField',
  'transform',
];

describe('croissant.json', () => {
  let ctx: ReturnType<typeof storeWithRun>;
  const read = (dir: string): Croissant =>
    CroissantSchema.parse(JSON.parse(readFileSync(join(dir, 'croissant.json'), 'utf8')));
  beforeAll(async () => {
    ctx = storeWithRun('gen-croissant', plantedRun().inputs);
    await curateRun(ctx.store, 'gen-croissant', {});
  });
  afterAll(() => ctx.dispose());

  it('uses the standard Croissant 1.0 context and carries citeAs, version and the RAI fields', async () => {
    const out = join(ctx.dir, 'jsonl');
    await exportRun(ctx.store, 'gen-croissant', { outDir: out });
    const c = read(out) as Croissant & { '@context': Record<string, unknown> };
    expect(Object.keys(c['@context']).sort()).toEqual(
      [...SPEC_1_0_KEYS, 'equivalentProperty', 'samplingRate', 'prov'].sort(),
    );
    expect(c['@context']).toMatchObject({
      '@vocab': 'https://schema.org/',
      cr: 'http://mlcommons.org/croissant/',
      rai: 'http://mlcommons.org/croissant/RAI/',
      data: { '@id': 'cr:data', '@type': '@json' },
      dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
      samplingRate: 'cr:samplingRate',
      equivalentProperty: 'cr:equivalentProperty',
      prov: 'http://www.w3.org/ns/prov#',
    });
    expect(c.conformsTo).toEqual([
      'http://mlcommons.org/croissant/1.0',
      'http://mlcommons.org/croissant/RAI/1.0',
    ]);
    expect(c.citeAs).toMatch(
      /^@misc\{gen_croissant, title = \{\{gen-croissant\}: .+\}, note = \{.+\}, year = \{\d{4}\}\}$/,
    );
    expect(c.version).toBe('1.0.0');
    for (const k of ['rai:dataCollection', 'rai:dataLimitations', 'rai:dataPreprocessingProtocol'] as const)
      expect(c[k].length).toBeGreaterThan(10);
  });

  it('describes JSONL messages as a repeated field read from the messages column (no "$." JSON path)', async () => {
    const out = join(ctx.dir, 'jsonl-messages');
    const res = await exportRun(ctx.store, 'gen-croissant', { outDir: out });
    const c = read(out);
    expect(JSON.stringify(c.recordSet)).not.toContain('$.');
    const [train, prov] = c.recordSet;
    expect(train?.key).toBeUndefined();
    expect(train?.field).toEqual([
      expect.objectContaining({
        '@id': 'train/messages',
        repeated: true,
        subField: ['role', 'content'].map((k) =>
          expect.objectContaining({
            '@id': `train/messages/${k}`,
            dataType: 'sc:Text',
            source: {
              fileObject: { '@id': 'train.jsonl' },
              extract: { column: 'messages' },
              transform: { jsonPath: k },
            },
          }),
        ),
      }),
    ]);
    expect(prov?.['@id']).toBe('provenance');
    expect(prov?.field.find((f) => f['@id'] === 'provenance/teacher_model')).toMatchObject({
      source: {
        fileObject: { '@id': 'provenance/samples.jsonl' },
        extract: { column: 'teacher' },
        transform: { jsonPath: 'model_id' },
      },
    });
    const sha = (p: string) => res.files.find((f) => f.path === p)?.sha256;
    expect(c.distribution.map((d) => [d['@id'], d.encodingFormat, d.sha256])).toEqual([
      ['train.jsonl', 'application/jsonlines', sha('train.jsonl')],
      ['provenance/samples.jsonl', 'application/jsonlines', sha('provenance/samples.jsonl')],
    ]);
  });

  it('describes Parquet prompt/completion with its provenance columns, keyed by id', async () => {
    const out = join(ctx.dir, 'parquet-pc');
    await exportRun(ctx.store, 'gen-croissant', {
      outDir: out,
      format: 'parquet',
      style: 'prompt-completion',
    });
    const c = read(out);
    const train = c.recordSet[0];
    expect(train?.key).toEqual({ '@id': 'train/id' });
    const fields = (train?.field ?? []).map((f) => [
      'dataType' in f ? f.dataType : '',
      f['@id'],
      'source' in f ? f.source : null,
    ]);
    const col = (name: string, type = 'sc:Text') => [
      type,
      `train/${name}`,
      { fileObject: { '@id': 'train.parquet' }, extract: { column: name } },
    ];
    expect(fields).toEqual([
      col('id'),
      col('prompt'),
      col('completion'),
      col('teacher'),
      col('source_dataset'),
      col('train_policy'),
      col('correct', 'sc:Boolean'),
      col('provenance'),
    ]);
    expect(c.distribution[0]?.encodingFormat).toBe('application/x-parquet');
  });
});
