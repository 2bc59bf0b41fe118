import type { Sample } from '../core/sample.ts';
import type { Verdict } from '../core/verdict.ts';
import {
  clearCuration,
  saveCheckResults,
  saveCurationDecisions,
  saveCurationSummary,
} from '../store/curate-queries.ts';
import type { Store } from '../store/store.ts';
import type { CurationSummary } from './curation-summary.ts';
import { Curator, type CuratorOptions } from './curator.ts';
import type { DecontaminationOptions } from './decontaminate.ts';
import type { DedupOptions } from './dedup.ts';
import { type NamedEvalSetLoader, resolveEvalSets } from './eval-sets.ts';
import { buildFilters, FILTER_NAMES, type FilterOptions } from './filters/index.ts';
import type { KeepPolicy, PerPromptPolicy } from './rejection.ts';
import { createSampleVerifier, loadEvalPrompts } from './verify-sample.ts';

/** Names of every check curation stores as a FilterResult (cleared when a run is curated again). */
export const CURATION_CHECK_NAMES = [...FILTER_NAMES, 'decontamination', 'dedup-prompt', 'dedup-trace'];

export interface CurateRunOptions {
  /** Defaults to `correct`. */
  keep?: KeepPolicy;
  /** Defaults to `all`. */
  perPrompt?: PerPromptPolicy;
  /** Filter names, in order. Defaults to all of {@link FILTER_NAMES}. */
  filters?: readonly string[];
  filterOptions?: FilterOptions;
  /** Eval set names (`gsm8k`, `math500`, `builtin-eval`) or JSONL files. Defaults to none. */
  decontaminate?: readonly string[];
  decontamination?: DecontaminationOptions;
  promptDedup?: DedupOptions;
  traceDedup?: DedupOptions;
  /** Loads named eval sets. Defaults to the shipped sets of src/tasks. */
  loadEvalSet?: NamedEvalSetLoader;
  /**
   * Verdict for one sample, or null without gold (the stored verdict is kept then). Defaults to
   * {@link createSampleVerifier} (src/verify against the problem's gold); `false` keeps every stored verdict.
   */
  verify?: ((sample: Sample) => Verdict | null) | false;
  /**
   * Asynchronous batch verifier (e.g. {@link createBatchSampleVerifier} on a Math-Verify pool); when set it
   * replaces `verify`: each batch of samples is checked with it before the other checks run.
   */
  verifyMany?: (samples: readonly Sample[]) => Promise<(Verdict | null)[]>;
  /** Samples read and written per batch. Defaults to 1000. */
  batchSize?: number;
  /** Called after each batch with the samples done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Curate a stored run: verify, filter, decontaminate, dedup and select, storing every check result on its sample
 * and the keep/drop decisions for export. Re-running replaces the earlier curation (idempotent).
 */
export async function curateRun(
  store: Store,
  runIdOrName: string,
  options: CurateRunOptions = {},
): Promise<CurationSummary> {
  const run = store.requireRun(runIdOrName);
  const evalSets = await resolveEvalSets(
    options.decontaminate ?? [],
    options.loadEvalSet ?? ((name) => loadEvalPrompts(name, options.signal)),
  );
  /** Verdicts of the current batch from `verifyMany`, by sample id. */
  const batchVerdicts = new Map<string, Verdict | null>();
  const verify = options.verifyMany
    ? (sample: Sample) => batchVerdicts.get(sample.id) ?? null
    : options.verify === false
      ? undefined
      : (options.verify ?? createSampleVerifier());
  const curatorOptions: CuratorOptions = {
    runId: run.id,
    keep: options.keep ?? 'correct',
    perPrompt: options.perPrompt ?? 'all',
    filters: buildFilters(options.filters ?? FILTER_NAMES, options.filterOptions),
    evalSets,
    ...(options.decontamination ? { decontamination: options.decontamination } : {}),
    ...(options.promptDedup ? { promptDedup: options.promptDedup } : {}),
    ...(options.traceDedup ? { traceDedup: options.traceDedup } : {}),
    ...(verify ? { verify } : {}),
  };
  const curator = new Curator(curatorOptions);
  const total = store.countSamples(run.id);
  store.transaction(() => clearCuration(store.db, run.id, CURATION_CHECK_NAMES));
  let done = 0;
  for (const batch of store.iterateSampleBatches(run.id, {
    batchSize: options.batchSize ?? 1000,
    withFilters: false,
    // By problem, not arrival order: which duplicate dedup keeps must not depend on generation concurrency.
    order: 'problem',
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    if (options.verifyMany) {
      const verdicts = await options.verifyMany(batch);
      batchVerdicts.clear();
      for (const [i, s] of batch.entries()) batchVerdicts.set(s.id, verdicts[i] ?? null);
    }
    const checks = batch.map((s) => curator.add(s));
    store.transaction(() => {
      const verdicts = checks.flatMap((c) =>
        c.verdict ? [{ sampleId: c.sampleId, verdict: c.verdict }] : [],
      );
      if (verdicts.length > 0) store.setVerdicts(verdicts);
      saveCheckResults(
        store.db,
        checks.flatMap((c) => c.filters.map((result) => ({ sampleId: c.sampleId, result }))),
      );
    });
    done += batch.length;
    options.onProgress?.(done, total);
    // Let the event loop breathe (progress rendering, signals) between batches.
    await new Promise<void>((r) => setImmediate(r));
  }
  options.signal?.throwIfAborted();
  const { decisions, summary } = curator.finish();
  summary.runName = run.name;
  store.transaction(() => {
    saveCurationDecisions(store.db, run.id, decisions);
    saveCurationSummary(store.db, run.id, summary.options, summary as unknown as Record<string, unknown>);
  });
  return summary;
}
