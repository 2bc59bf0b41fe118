import { z } from 'zod';
import { FinishReasonSchema, ThinkingEndSchema, TimingSchema, UsageSchema } from './trace.ts';

/**
 * The one streaming vocabulary of Distill (after the Vercel AI SDK's stream parts).
 * Teachers, the runtime, the server SSE and the web UI all speak it.
 */
export const StreamPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reasoning-start'), id: z.string() }),
  z.object({ type: z.literal('reasoning-delta'), id: z.string(), delta: z.string() }),
  z.object({ type: z.literal('reasoning-end'), id: z.string(), signature: z.string().optional() }),
  z.object({ type: z.literal('text-start'), id: z.string() }),
  z.object({ type: z.literal('text-delta'), id: z.string(), delta: z.string() }),
  z.object({ type: z.literal('text-end'), id: z.string() }),
  z.object({
    type: z.literal('finish'),
    finishReason: FinishReasonSchema,
    usage: UsageSchema,
    timing: TimingSchema.optional(),
    /** How thinking ended, from producers that know (the runtime, a Distill server). Else the fold derives it. */
    thinkingEnd: ThinkingEndSchema.optional(),
  }),
  z.object({ type: z.literal('error'), error: z.string(), code: z.string().optional() }),
]);
export type StreamPart = z.infer<typeof StreamPartSchema>;
