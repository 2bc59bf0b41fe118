import { z } from 'zod';
import { ThinkingEndSchema } from './trace.ts';

/** Whether the teacher's terms allow training another model on its outputs (REFERENCE.md §3). */
export const TrainPolicySchema = z.enum(['allowed', 'notAllowed', 'constrained']);
export type TrainPolicy = z.infer<typeof TrainPolicySchema>;

export const UsePolicySchema = z.object({
  train: TrainPolicySchema,
  obligations: z.array(z.string()),
  commercialOk: z.boolean(),
});
export type UsePolicy = z.infer<typeof UsePolicySchema>;

export const TermsRefSchema = z.object({
  id: z.string(),
  url: z.string(),
  snapshotSha256: z.string(),
  retrievedAt: z.string(),
});
export type TermsRef = z.infer<typeof TermsRefSchema>;

export const TeacherRefSchema = z.object({
  provider: z.string(),
  modelId: z.string(),
  versionOrWeightsSha: z.string().optional(),
  access: z.enum(['api', 'self_hosted']),
  /** The endpoint (teacher URI, no credentials) that served this sample, when the teacher was a pool. */
  endpoint: z.string().optional(),
});
export type TeacherRef = z.infer<typeof TeacherRefSchema>;

export const PromptRefSchema = z.object({
  text: z.string(),
  sourceDataset: z.string(),
  revision: z.string().optional(),
  recordId: z.string(),
  licenseSpdx: z.string().optional(),
  origin: z.enum(['human', 'synthetic', 'benchmark-derived']),
});
export type PromptRef = z.infer<typeof PromptRefSchema>;

export const GenerationSettingsSchema = z.object({
  ts: z.string(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  maxTokens: z.number().int().optional(),
  /** Thinking budget the request asked for (opt-in forcing); absent when none was. */
  thinkingBudget: z.number().int().min(0).optional(),
  /** How the teacher's thinking ended (copy of `Trace.thinkingEnd`; see ThinkingEndSchema). */
  thinkingEnd: ThinkingEndSchema.optional(),
  seed: z.number().int().optional(),
  templateId: z.string().optional(),
  systemPromptSha: z.string().optional(),
  sampleIdx: z.number().int().min(0),
});
export type GenerationSettings = z.infer<typeof GenerationSettingsSchema>;

/** Per-sample provenance record (REFERENCE.md §3): where the prompt came from, who answered, under which terms. */
export const ProvenanceSchema = z.object({
  prompt: PromptRefSchema,
  teacher: TeacherRefSchema,
  terms: TermsRefSchema,
  usePolicy: UsePolicySchema,
  generation: GenerationSettingsSchema,
});
export type Provenance = z.infer<typeof ProvenanceSchema>;
