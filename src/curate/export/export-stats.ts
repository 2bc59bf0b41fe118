import type { TrainPolicy } from '../../core/provenance.ts';
import type { Sample } from '../../core/sample.ts';
import { familyKey } from '../curator.ts';

/** One teacher as the card and Croissant describe it. */
export interface TeacherStats {
  provider: string;
  modelId: string;
  access: string;
  termsId: string;
  termsUrl: string;
  termsSha256: string;
  train: TrainPolicy;
  obligations: string[];
  commercialOk: boolean;
  samples: number;
}

/** What an export contains, gathered while writing it. */
export interface ExportStats {
  rows: number;
  teachers: Record<string, TeacherStats>;
  families: Record<string, number>;
  sourceDatasets: Record<string, number>;
  promptLicenses: Record<string, number>;
  /** Samples per failed/passed state of each stored check: `{identity: {passed, failed}}`. */
  checks: Record<string, { passed: number; failed: number }>;
  notAllowed: number;
  correct: number;
  /** Exported rows by how the teacher's thinking ended (`unknown`: stored before it was recorded). */
  thinkingEnds: Record<string, number>;
}

export function emptyExportStats(): ExportStats {
  return {
    rows: 0,
    teachers: {},
    families: {},
    sourceDatasets: {},
    promptLicenses: {},
    checks: {},
    notAllowed: 0,
    correct: 0,
    thinkingEnds: {},
  };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Count one exported sample. */
export function addToStats(stats: ExportStats, sample: Sample): void {
  const p = sample.provenance;
  stats.rows++;
  const key = `${p.teacher.provider}:${p.teacher.modelId}`;
  stats.teachers[key] ??= {
    provider: p.teacher.provider,
    modelId: p.teacher.modelId,
    access: p.teacher.access,
    termsId: p.terms.id,
    termsUrl: p.terms.url,
    termsSha256: p.terms.snapshotSha256,
    train: p.usePolicy.train,
    obligations: [],
    commercialOk: p.usePolicy.commercialOk,
    samples: 0,
  };
  const t = stats.teachers[key];
  t.samples++;
  for (const o of p.usePolicy.obligations) if (!t.obligations.includes(o)) t.obligations.push(o);
  if (p.usePolicy.train === 'notAllowed') {
    t.train = 'notAllowed';
    stats.notAllowed++;
  } else if (p.usePolicy.train === 'constrained' && t.train === 'allowed') t.train = 'constrained';
  if (!p.usePolicy.commercialOk) t.commercialOk = false;
  bump(stats.families, familyKey(sample));
  bump(stats.sourceDatasets, p.prompt.sourceDataset);
  bump(stats.promptLicenses, p.prompt.licenseSpdx ?? 'unknown');
  for (const f of sample.filters) {
    stats.checks[f.name] ??= { passed: 0, failed: 0 };
    const c = stats.checks[f.name]!;
    if (f.passed) c.passed++;
    else c.failed++;
  }
  if (sample.verdict?.correct) stats.correct++;
  bump(stats.thinkingEnds, sample.trace.thinkingEnd ?? p.generation.thinkingEnd ?? 'unknown');
}
