import { z } from 'zod';

/**
 * A teacher's price in USD per million tokens. `reasoning` defaults to the output price (most APIs bill thinking
 * as output). The one schema for the built-in price table, teachers and `distill.config.json` → `prices`.
 */
export const PriceSchema = z.object({
  input: z.number().min(0),
  output: z.number().min(0),
  reasoning: z.number().min(0).optional(),
});
export type Price = z.infer<typeof PriceSchema>;
