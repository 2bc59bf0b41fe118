import { z } from 'zod';

/** One JSON line from the Python worker. Unknown fields pass through; `type` says which event it is. */
export const WorkerEventSchema = z.looseObject({ type: z.string() });
export type WorkerEvent = z.infer<typeof WorkerEventSchema> & Record<string, unknown>;

/** `{"type":"step",…}`: one optimizer step. */
export const StepEventSchema = z.looseObject({
  type: z.literal('step'),
  step: z.number(),
  totalSteps: z.number(),
  loss: z.number(),
  lr: z.number(),
  tokensPerS: z.number(),
  etaS: z.number(),
  epoch: z.number().optional(),
  gradNorm: z.number().optional(),
});
export type StepEvent = z.infer<typeof StepEventSchema>;

/** `{"type":"error",…}`: the worker's one structured failure line before a non-zero exit. */
export const ErrorEventSchema = z.looseObject({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;
