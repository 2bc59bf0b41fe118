import { z } from 'zod';
import { ProblemSchema } from '../core/problem.ts';
import { ProvenanceSchema } from '../core/provenance.ts';
import { type FilterResult, FilterResultSchema, type Sample } from '../core/sample.ts';
import { TraceSchema } from '../core/trace.ts';
import { VerdictSchema } from '../core/verdict.ts';
import { readJson } from './json-column.ts';

/** A `samples` row as SQLite returns it. */
export interface SampleRow {
  seq: number;
  id: string;
  run_id: string;
  problem_id: string;
  sample_idx: number;
  problem: string;
  trace: string;
  provenance: string;
  content_sha256: string;
  verdict: string | null;
  created_at: string;
}

/** A `filter_results` row as SQLite returns it. */
export interface FilterRow {
  sample_id: string;
  name: string;
  version: string;
  params: string;
  passed: number;
  matches: string;
}

export const sampleColumns =
  'seq, id, run_id, problem_id, sample_idx, problem, trace, provenance, content_sha256, verdict, created_at';

const Params = FilterResultSchema.shape.params;
const Matches = z.array(z.string());

export function toFilterResult(row: FilterRow): FilterResult {
  const where = `filter ${row.name} of sample ${row.sample_id}`;
  return {
    name: row.name,
    version: row.version,
    params: readJson(row.params, Params, where),
    passed: row.passed === 1,
    matches: readJson(row.matches, Matches, where),
  };
}

/** Rebuild the full, validated Sample record from its row and filter rows. */
export function toSample(row: SampleRow, filters: FilterResult[]): Sample {
  const where = `sample ${row.id}`;
  const sample: Sample = {
    id: row.id,
    runId: row.run_id,
    sampleIdx: row.sample_idx,
    problem: readJson(row.problem, ProblemSchema, `${where} problem`),
    trace: readJson(row.trace, TraceSchema, `${where} trace`),
    provenance: readJson(row.provenance, ProvenanceSchema, `${where} provenance`),
    contentSha256: row.content_sha256,
    filters,
  };
  if (row.verdict !== null) sample.verdict = readJson(row.verdict, VerdictSchema, `${where} verdict`);
  return sample;
}
