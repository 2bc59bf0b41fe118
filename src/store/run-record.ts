import { z } from 'zod';

/** What a run is. Free-form so new areas can add kinds; these are the ones Distill uses. */
export type RunKind = 'generate' | 'eval' | 'curate' | 'train' | (string & {});

/**
 * Lifecycle of a run. `stopped` = ended on purpose before completion (e.g. `--max-cost`); `incomplete` = ran to
 * the end but some requests failed (re-running resumes them); `interrupted` = stopped by a signal, or found
 * `running` with its owner process gone (see `Run.owner`).
 */
export const RunStatusSchema = z.enum([
  'pending',
  'running',
  'completed',
  'incomplete',
  'failed',
  'interrupted',
  'stopped',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** One job (generation, evaluation, curation, training) and its settings and results. */
export const RunSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string().min(1),
  status: RunStatusSchema,
  config: z.record(z.string(), z.unknown()),
  summary: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The process that last set the run `running` (absent on stores older than migration 002). */
  owner: z.object({ pid: z.number().int(), host: z.string(), heartbeatAt: z.string() }).nullable().optional(),
});
export type Run = z.infer<typeof RunSchema>;

/** Options of `Store.createRun`. */
export interface CreateRunInput {
  /** Unique, human-chosen name (e.g. the `--out` of `distill generate`). */
  name: string;
  kind: RunKind;
  /** Settings the run was started with (teacher URI, sampling settings, task spec…). Never API keys. */
  config?: Record<string, unknown>;
  /** Defaults to `pending`. */
  status?: RunStatus;
  /** Defaults to a deterministic id derived from the name, so a re-created run keeps its sample keys. */
  id?: string;
}

/** Changes for `Store.updateRun`. */
export interface UpdateRunInput {
  status?: RunStatus;
  /** Shallow-merged into the stored summary (keys set to `undefined` are left alone, `null` is stored). */
  summary?: Record<string, unknown>;
  /** Replaces the stored config when given. */
  config?: Record<string, unknown>;
}

/** Filters of `Store.listRuns`. */
export interface ListRunsOptions {
  kind?: RunKind;
  status?: RunStatus;
  /** Defaults to no limit. */
  limit?: number;
}
