import { z } from 'zod';
import { ProblemSchema } from './problem.ts';
import { ProvenanceSchema } from './provenance.ts';
import { TraceSchema } from './trace.ts';
import { VerdictSchema } from './verdict.ts';

/** One filter's decision on a sample, with parameters and the evidence it matched. */
export const FilterResultSchema = z.object({
  name: z.string(),
  version: z.string(),
  params: z.record(z.string(), z.unknown()),
  passed: z.boolean(),
  matches: z.array(z.string()).default([]),
});
export type FilterResult = z.infer<typeof FilterResultSchema>;

/** What the store holds: a problem, the reply, where it came from, whether it is right, and what filters said. */
export const SampleSchema = z.object({
  /** Deterministic: hash of (run, problem id, sample index). Re-running never duplicates. */
  id: z.string(),
  runId: z.string(),
  sampleIdx: z.number().int().min(0),
  problem: ProblemSchema,
  trace: TraceSchema,
  provenance: ProvenanceSchema,
  /** SHA-256 of reasoning + answer. */
  contentSha256: z.string(),
  verdict: VerdictSchema.optional(),
  filters: z.array(FilterResultSchema).default([]),
});
export type Sample = z.infer<typeof SampleSchema>;
