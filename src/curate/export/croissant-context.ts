/**
 * The standard Croissant 1.0 JSON-LD context, as the reference implementation (mlcroissant) writes and checks it:
 * the spec's Appendix 1 plus `equivalentProperty` and `samplingRate` (mlcroissant warns "the JSON-LD @context is
 * not standard" when any of its keys is missing). It already maps the `rai:` prefix, so the RAI fields need no
 * entry of their own.
 */
export const CROISSANT_1_0_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  sc: 'https://schema.org/',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  dct: 'http://purl.org/dc/terms/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  equivalentProperty: 'cr:equivalentProperty',
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
  samplingRate: 'cr:samplingRate',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
} as const;

/**
 * The context Distill writes: the standard one plus the W3C PROV prefix for `prov:wasGeneratedBy` (the way the
 * Croissant spec says to use an external vocabulary: define its prefix in the `@context`).
 */
export const CROISSANT_CONTEXT = { ...CROISSANT_1_0_CONTEXT, prov: 'http://www.w3.org/ns/prov#' } as const;

/** Version of the exported dataset description (`version`, recommended by Croissant). */
export const DATASET_VERSION = '1.0.0';
