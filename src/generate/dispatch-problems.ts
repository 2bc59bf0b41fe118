import type { Problem } from '../core/problem.ts';
import { sampleKey } from '../store/sample-key.ts';
import { estimateTokens } from './estimate.ts';
import type { GenerationSession } from './generation-session.ts';
import { requestSample } from './request-sample.ts';

/** Why dispatching stopped before the problems ran out. */
export type DispatchStop = 'max-cost' | undefined;

/**
 * Start a request for every (problem, sample index) not yet stored, keeping at most the adaptive concurrency in
 * flight, within the rate limits, the cost limit and the sample writer's back-pressure; then wait for them all.
 * Returns 'max-cost' when the money ran out first. An abort or a write error stops dispatching (the caller
 * reports it).
 */
export async function dispatchProblems(
  session: GenerationSession,
  problems: AsyncIterable<Problem>,
): Promise<DispatchStop> {
  const { inflight, signal, cost, stats } = session;
  for await (const problem of problems) {
    for (let idx = 0; idx < session.settings.samples; idx++) {
      const key = sampleKey(session.run.id, problem.id, idx);
      if (session.done.has(key)) {
        stats.skipped += 1;
        continue;
      }
      if (signal?.aborted) return undefined;
      while (inflight.size >= session.concurrency.limit) await inflight.nextEnd();
      // Back-pressure: with the write thread behind (a slow disk), start nothing until a batch commits, so the
      // samples held in memory stay bounded. A write error stops dispatching (the drain reports it).
      if (session.writer.congested) await session.writer.writable();
      if (session.writer.failed) return undefined;
      const estIn = estimateTokens(problem.prompt);
      const worst = cost.worstCase(estIn, session.settings.maxTokens);
      while (!cost.canAfford(worst)) {
        if (inflight.size === 0) return 'max-cost';
        await inflight.nextEnd();
      }
      // Most runs have no limit to wait for: take the budget without a promise when it is there.
      if (signal?.aborted) return undefined;
      if (!session.limiter.tryAcquire(estIn + session.expectedOut)) {
        try {
          await session.limiter.acquire(estIn + session.expectedOut, signal);
        } catch {
          return undefined;
        }
      }
      cost.reserve(worst);
      inflight.add(requestSample(session, { problem, sampleIdx: idx, key, estIn, reserved: worst }));
    }
  }
  // Nothing more to request: the writer commits what it holds while the last replies arrive.
  session.writer.finishing();
  await inflight.all();
  return undefined;
}
