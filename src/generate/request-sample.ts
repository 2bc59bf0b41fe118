import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from '../core/chat-model.ts';
import { ProviderError } from '../core/errors/provider-error.ts';
import { SetupError } from '../core/errors/setup-error.ts';
import type { Problem } from '../core/problem.ts';
import type { Trace } from '../core/trace.ts';
import type { Verdict } from '../core/verdict.ts';
import { toProviderError } from '../teachers/provider-errors.ts';
import { codeVerdictToVerdict, verifyCode } from '../verify/code/verify-code.ts';
import { verifyAnswer } from '../verify/verify-answer.ts';
import { backoffDelay, RETRYABLE_KINDS } from './backoff.ts';
import { buildSample } from './build-sample.ts';
import type { GenerationSession } from './generation-session.ts';
import { scrubSecrets } from './scrub.ts';
import { sampleSeed } from './seeds.ts';

const TEMPLATE_ID = 'chat-messages/user-only';

/** One sample to request: its problem and index, its key, and the estimate and money reserved for it. */
export interface SampleJob {
  problem: Problem;
  sampleIdx: number;
  key: string;
  /** Estimated prompt tokens. */
  estIn: number;
  /** USD reserved by the dispatcher (settled on success, released at the end). */
  reserved: number;
}

/**
 * The verdict of a good reply when the run verifies at generation time: code problems run in the sandbox (the
 * only asynchronous case), the rest are checked against their gold answer. Undefined when not verifying.
 */
function verdictOf(
  session: GenerationSession,
  job: SampleJob,
  trace: Trace,
): Verdict | Promise<Verdict> | undefined {
  const { problem } = job;
  if (!session.settings.verify) return undefined;
  if (problem.code) return verifyCode(trace.answer, problem.code, session.signal).then(codeVerdictToVerdict);
  if (problem.gold !== undefined)
    return verifyAnswer({ gold: problem.gold, pred: trace.answer, kind: problem.answerKind });
  return undefined;
}

/** Settle meters and counters for a good reply (its tokens were spent, whether or not it is then written). */
function settleReply(session: GenerationSession, job: SampleJob, trace: Trace, estimate: number): void {
  const { stats } = session;
  session.cost.settle(job.reserved, trace.usage);
  job.reserved = 0;
  session.limiter.settle(estimate, trace.usage.input + trace.usage.reasoning + trace.usage.output);
  session.concurrency.onSuccess();
  const out = trace.usage.reasoning + trace.usage.output;
  session.expectedOut = Math.max(1, Math.round(session.expectedOut * 0.9 + out * 0.1));
  stats.tokens.input += trace.usage.input;
  stats.tokens.reasoning += trace.usage.reasoning;
  stats.tokens.output += trace.usage.output;
  stats.sessionTokens += out;
}

/** Queue a good reply's sample for writing, with its verdict if any. */
function writeSample(
  session: GenerationSession,
  job: SampleJob,
  trace: Trace,
  seed: number,
  verdict: Verdict | undefined,
): void {
  const { settings } = session;
  session.writer.add(
    buildSample({
      runId: session.run.id,
      problem: job.problem,
      trace,
      teacher: session.teacher.info,
      terms: settings.terms,
      settings: {
        temperature: settings.temperature,
        topP: settings.topP,
        maxTokens: settings.maxTokens,
        seed,
        sampleIdx: job.sampleIdx,
        templateId: TEMPLATE_ID,
        ...(session.options.thinkingBudget !== undefined
          ? { thinkingBudget: session.options.thinkingBudget }
          : {}),
      },
      ...(verdict ? { verdict } : {}),
      id: job.key,
    }),
  );
  session.stats.completed += 1;
}

/** Record a failed attempt (never silently lost); count the request as given up when it will not be retried. */
function noteFailure(
  session: GenerationSession,
  key: string,
  pe: ProviderError,
  attempt: number,
  retry: boolean,
): void {
  const { stats } = session;
  stats.errors[pe.kind] = (stats.errors[pe.kind] ?? 0) + 1;
  session.store.recordFailure({
    runId: session.run.id,
    requestKey: key,
    kind: pe.kind,
    message: scrubSecrets(pe.message).slice(0, 500),
    attempt,
    status: retry ? 'retried' : 'gave-up',
    ...(pe.status !== undefined ? { httpStatus: pe.status } : {}),
    ...(pe.retryAfterMs !== undefined ? { detail: { retryAfterMs: pe.retryAfterMs } } : {}),
  });
  if (retry) return;
  stats.failed += 1;
  const seen = stats.gaveUp[pe.kind];
  if (seen) seen.requests += 1;
  else
    stats.gaveUp[pe.kind] = {
      requests: 1,
      example: scrubSecrets(pe.message).slice(0, 300),
      ...(pe.status !== undefined ? { httpStatus: pe.status } : {}),
    };
}

/**
 * Request one sample until it succeeds, fails permanently, runs out of retries (backoff between attempts, a
 * per-attempt timeout, rate limits slowing everything down) or the run is interrupted.
 */
export async function requestSample(session: GenerationSession, job: SampleJob): Promise<void> {
  const { signal, settings, limiter } = session;
  const seed = sampleSeed(settings.baseSeed, job.problem.id, job.sampleIdx);
  const request: ChatRequest = {
    messages: [{ role: 'user', content: job.problem.prompt }],
    maxTokens: settings.maxTokens,
    temperature: settings.temperature,
    topP: settings.topP,
    seed,
    ...(session.options.thinkingBudget !== undefined
      ? { thinking: { budgetTokens: session.options.thinkingBudget } }
      : {}),
  };
  const estimate = job.estIn + session.expectedOut;
  const options = signal ? { signal, timeoutMs: settings.timeoutMs } : { timeoutMs: settings.timeoutMs };
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) break;
    try {
      if (attempt > 1) await limiter.acquire(estimate, signal);
      // The teacher times the attempt out (the undici transport with a timer, no AbortController per attempt).
      const trace = await session.teacher.generate(request, options);
      if (!trace.reasoning && !trace.answer && trace.finishReason !== 'length')
        throw new ProviderError('empty', 'The reply has neither reasoning nor answer');
      settleReply(session, job, trace, estimate);
      // Only a code check is asynchronous (the sandbox): other replies are written without an await.
      const pending = verdictOf(session, job, trace);
      const verdict = pending instanceof Promise ? await pending : pending;
      // A run interrupted during a code check writes nothing for the sample (the next run retries it).
      if (pending instanceof Promise && signal?.aborted) break;
      writeSample(session, job, trace, seed, verdict);
      break;
    } catch (error) {
      if (signal?.aborted) break; // interrupted: the next run retries this key
      if (error instanceof SetupError) throw error; // no code sandbox here: not a provider failure
      const pe = toProviderError(error, signal);
      const retry = RETRYABLE_KINDS.has(pe.kind) && attempt <= settings.maxRetries;
      noteFailure(session, job.key, pe, attempt, retry);
      if (!retry) break;
      const delay = backoffDelay(attempt, pe, session.options.backoff);
      if (pe.kind === 'rate-limit') {
        session.concurrency.onRateLimit();
        limiter.pause(delay);
      }
      try {
        await sleep(delay, undefined, signal ? { signal } : {});
      } catch {
        break;
      }
    }
  }
  session.cost.settle(job.reserved, undefined);
}
