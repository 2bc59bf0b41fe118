import { z } from 'zod';
import { ProvenanceSchema } from '../core/provenance.ts';
import { FinishReasonSchema, UsageSchema } from '../core/trace.ts';
import { VerdictSchema } from '../core/verdict.ts';
import { RunStatusSchema } from '../store/run-record.ts';

/** How a run's curation went: kept/dropped counts and how many each check dropped. Null when never curated. */
export const StudioCurationSchema = z.object({
  kept: z.number().int().min(0),
  dropped: z.number().int().min(0),
  /** Dropped samples by the first check that failed them (`verify`, `dedup`, `truncated`…). */
  droppedBy: z.record(z.string(), z.number().int().min(0)),
  curatedAt: z.string(),
});

/** One run as `GET /api/runs` lists it. Settings are left out: only counts, status, cost and time. */
export const StudioRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  status: RunStatusSchema,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  teacher: z.string().nullable(),
  counts: z.object({
    requested: z.number().nullable(),
    samples: z.number().int().min(0),
    withVerdict: z.number().int().min(0),
    correct: z.number().int().min(0),
    /** Requests that gave up and still have no sample. */
    unresolved: z.number().int().min(0),
  }),
  tokens: z.object({ input: z.number(), reasoning: z.number(), output: z.number(), total: z.number() }),
  costUsd: z.number().nullable(),
  wallMs: z.number().nullable(),
  curation: StudioCurationSchema.nullable(),
  /** A train run's progress (its curves: `GET /api/runs/:id/metrics`); null for other kinds. */
  train: z
    .object({
      steps: z.number(),
      totalSteps: z.number().nullable(),
      loss: z.number().nullable(),
      evalLoss: z.number().nullable(),
    })
    .nullable(),
  /** An eval report's headline (details: `GET /api/compare?reports=ID`); null for other kinds. */
  eval: z.object({ model: z.string(), pass1: z.number(), problems: z.number() }).nullable(),
});
export type StudioRun = z.infer<typeof StudioRunSchema>;

export const StudioRunsResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(StudioRunSchema),
});

/** A filter or curation check's result on one sample, with its evidence (`matches`). */
export const StudioFilterSchema = z.object({
  name: z.string(),
  version: z.string(),
  passed: z.boolean(),
  matches: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
});

/** One sample in the trace browser. */
export const StudioSampleSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  problemId: z.string(),
  sampleIdx: z.number().int().min(0),
  prompt: z.string(),
  gold: z.string().nullable(),
  thinking: z.string(),
  answer: z.string(),
  finishReason: FinishReasonSchema,
  verdict: VerdictSchema.nullable(),
  teacher: z.string(),
  usage: UsageSchema,
  provenance: ProvenanceSchema,
  filters: z.array(StudioFilterSchema),
  /** The curation decision: null when the run was not curated. */
  curation: z
    .object({ kept: z.boolean(), reason: z.string().nullable(), detail: z.record(z.string(), z.unknown()) })
    .nullable(),
});
export type StudioSample = z.infer<typeof StudioSampleSchema>;

export const StudioSamplesResponseSchema = z.object({
  object: z.literal('list'),
  runId: z.string(),
  total: z.number().int().min(0),
  offset: z.number().int().min(0),
  limit: z.number().int().min(1),
  data: z.array(StudioSampleSchema),
});
export type StudioSamplesResponse = z.infer<typeof StudioSamplesResponseSchema>;

/** Query parameters of `GET /api/runs/:id/samples`. */
export const SampleQuerySchema = z.object({
  /** `correct`, `wrong`, or `none` (no verdict yet). */
  verdict: z.enum(['correct', 'wrong', 'none']).optional(),
  outcome: z.enum(['kept', 'dropped']).optional(),
  /** Samples this check failed (a filter result, or the curation's first failed check). */
  filter: z.string().min(1).max(200).optional(),
  /**
   * Words in the prompt, thinking or answer: each word must occur, as a word or the start of one, case- and
   * accent-insensitively (a full-text index; a store older than it falls back to a case-insensitive substring).
   */
  q: z.string().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});
export type SampleQuery = z.infer<typeof SampleQuerySchema>;
