import { DistillError } from '../core/errors/distill-error.ts';
import { HEARTBEAT_INTERVAL_MS } from '../store/run-liveness.ts';
import { dispatchProblems } from './dispatch-problems.ts';
import { finishGeneration } from './finish-generation.ts';
import { GenerationSession } from './generation-session.ts';
import { openGenerationRun, resolveSettings, runConfig } from './generation-settings.ts';
import type { GenerationResult, RunGenerationOptions } from './options.ts';

/** Keep the run's heartbeat fresh and report progress while `work` runs; stop both afterwards. */
async function withTimers<T>(session: GenerationSession, work: () => Promise<T>): Promise<T> {
  const { store, run, options } = session;
  // Readers show a `running` run whose heartbeat stops (kill -9, power loss) as `interrupted`.
  const heartbeat = setInterval(() => {
    try {
      store.heartbeat(run.id);
    } catch {
      // A busy store skips a beat; the next one (or the final status) catches up.
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  const ticker = options.onProgress
    ? setInterval(() => options.onProgress?.(session.progress()), options.progressIntervalMs ?? 500)
    : undefined;
  ticker?.unref();
  try {
    return await work();
  } finally {
    await session.inflight.idle();
    clearInterval(heartbeat);
    if (ticker) clearInterval(ticker);
    await drainWriter(session);
    // The run's samples, in bulk (the writer inserts them unindexed: a trigger per row cost more than this; the write
    // thread indexes each batch as it commits it), and whatever an earlier, crashed session left.
    store.indexSearchUnlessBusy();
  }
}

/**
 * Wait until every sample batch is committed. A write error (disk full, a store busy past its timeout) marks the
 * run `failed` where the store still takes it, and is thrown: the run never reports `completed` with samples
 * missing. Re-running the command resumes it.
 */
async function drainWriter(session: GenerationSession): Promise<void> {
  try {
    await session.writer.drain();
  } catch (error) {
    try {
      session.store.updateRun(session.run.id, {
        status: 'failed',
        summary: {
          ...session.summary(),
          error: DistillError.isInstance(error) ? error.toJSON() : String(error),
        },
      });
    } catch {
      // The store refuses this write too: the run stays `running` and shows as interrupted once its heartbeat stops.
    }
    throw error;
  }
}

/**
 * Query a teacher for K samples per problem and store them with provenance. Re-running with the same run name
 * resumes: stored samples are never requested again, anything unfinished (in flight, failed) is.
 *
 * Steps: settings → the run (created, or resumed when its settings match) → a session (meters, limiters,
 * counters, writer) → mark it running (this process owns it) → dispatch every missing sample → final status.
 */
export async function runGeneration(options: RunGenerationOptions): Promise<GenerationResult> {
  const settings = resolveSettings(options);
  options.store.indexSearchUnlessBusy();
  const run = openGenerationRun(
    options.store,
    options.runName,
    runConfig(options, options.teacher, settings),
  );
  const session = new GenerationSession(options, settings, run);
  options.store.updateRun(run.id, {
    status: 'running',
    summary: { requested: session.total, policy: settings.terms.usePolicy },
  });
  const stopReason = await withTimers(session, () => dispatchProblems(session, options.problems));
  return finishGeneration(session, stopReason);
}
