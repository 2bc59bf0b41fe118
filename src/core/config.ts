import { z } from 'zod';
import { PriceSchema } from './price.ts';

/**
 * Project configuration (`distill.config.json` or env). API keys are read from env vars named here,
 * never stored in the DB, exports or logs.
 */
export const ConfigSchema = z.object({
  /** Folder for the store, runs and artifacts. Defaults to `.distill`. */
  home: z.string().default('.distill'),
  /** SQLite file. Defaults to `<home>/distill.sqlite`. */
  storePath: z.string().optional(),
  /** Env var name per provider holding its API key. */
  apiKeyEnv: z.record(z.string(), z.string()).default({}),
  /** Price overrides per teacher URI, USD per million tokens. */
  prices: z.record(z.string(), PriceSchema).default({}),
  /** Python used to build the training venv. Defaults to `python3`. */
  python: z.string().default('python3'),
  /** CPU threads for training and inference. Defaults to all cores. */
  threads: z.number().int().min(1).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;
