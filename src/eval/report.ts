import { z } from 'zod';

const IntervalSchema = z.object({ low: z.number(), high: z.number() });

/** Metrics of one slice (overall or one task family) of an evaluation. */
export const SliceMetricsSchema = z.object({
  problems: z.number().int(),
  samplesPerProblem: z.number().int(),
  pass1: z.number(),
  pass1Ci: IntervalSchema,
  majK: z.number(),
  passK: z.number(),
  meanReasoningTokens: z.number(),
  meanAnswerTokens: z.number(),
  meanTtftMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  emptyRate: z.number(),
  truncatedRate: z.number(),
});
export type SliceMetrics = z.infer<typeof SliceMetricsSchema>;

export const EvalSettingsSchema = z.object({
  samples: z.number().int().min(1),
  temperature: z.number(),
  topP: z.number(),
  maxTokens: z.number().int(),
  thinkingBudget: z.number().int().nullable(),
  seed: z.number().int(),
});
export type EvalSettings = z.infer<typeof EvalSettingsSchema>;

/** One endpoint of a teacher pool, as an evaluation records it: what was checked, and its share of the run. */
export const PoolEndpointRecordSchema = z.object({
  uri: z.string(),
  /** The model it serves (confirmed by `GET /v1/models` for openai-compatible endpoints). */
  model: z.string(),
  servedModels: z.array(z.string()).optional(),
  weight: z.number(),
  concurrency: z.number().int(),
  rpm: z.number().int().optional(),
  /** Samples it answered. */
  served: z.number().int(),
  /** Faults it caused (refused connection, 5xx, timeout, cut stream); its requests failed over. */
  faults: z.number().int(),
  health: z.enum(['healthy', 'down', 'probing']),
});
export type PoolEndpointRecord = z.infer<typeof PoolEndpointRecordSchema>;

export const ModelDescriptorSchema = z.object({
  /** What the user passed: a teacher URI or a GGUF path. */
  uri: z.string(),
  label: z.string(),
  kind: z.enum(['gguf', 'teacher']),
  sha256: z.string().nullable(),
  params: z.number().nullable(),
  fileBytes: z.number().nullable(),
  quantization: z.string().nullable(),
  /** The endpoints, when the model was a teacher pool (`--model` repeated or `--teachers FILE`). */
  pool: z.array(PoolEndpointRecordSchema).optional(),
});
export type ModelDescriptor = z.infer<typeof ModelDescriptorSchema>;

/** One point of the test-time-scaling curve. */
export const BudgetPointSchema = z.object({
  budget: z.number().int(),
  pass1: z.number(),
  pass1Ci: IntervalSchema,
  meanReasoningTokens: z.number(),
});
export type BudgetPoint = z.infer<typeof BudgetPointSchema>;

/** A reproducible evaluation report: everything needed to rerun it is stored with it. */
export const EvalReportSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  model: ModelDescriptorSchema,
  tasks: z.string(),
  settings: EvalSettingsSchema,
  verifierVersion: z.string(),
  overall: SliceMetricsSchema,
  byFamily: z.record(z.string(), SliceMetricsSchema),
  budgetCurve: z.array(BudgetPointSchema).default([]),
  wallMs: z.number(),
});
export type EvalReport = z.infer<typeof EvalReportSchema>;
