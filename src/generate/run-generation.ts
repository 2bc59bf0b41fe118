import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from '../core/chat-model.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { ProviderError } from '../core/errors/provider-error.ts';
import { SetupError } from '../core/errors/setup-error.ts';
import type { Problem } from '../core/problem.ts';
import type { Verdict } from '../core/verdict.ts';
import { sampleKey } from '../store/sample-key.ts';
import { toProviderError } from '../teachers/provider-errors.ts';
import { TERMS } from '../teachers/terms/registry.ts';
import { codeVerdictToVerdict, verifyCode } from '../verify/code/verify-code.ts';
import { verifyAnswer } from '../verify/verify-answer.ts';
import { backoffDelay, RETRYABLE_KINDS } from './backoff.ts';
import { buildSample } from './build-sample.ts';
import { CostMeter } from './cost-meter.ts';
import { estimateTokens } from './estimate.ts';
import type { GenerationProgress, GenerationResult, RunGenerationOptions } from './options.ts';
import { AdaptiveConcurrency, RateLimiter } from './rate-limiter.ts';
import { SampleWriter } from './sample-writer.ts';
import { scrubSecrets } from './scrub.ts';
import { sampleSeed } from './seeds.ts';

/** Settings that must match for a run to be resumed rather than mixed with another (the endpoint may move). */
const RESUME_KEYS = [
  'provider',
  'model',
  'tasks',
  'samples',
  'temperature',
  'topP',
  'maxTokens',
  'thinkingBudget',
  'seed',
] as const;

const TEMPLATE_ID = 'chat-messages/user-only';

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Query a teacher for K samples per problem and store them with provenance. Re-running with the same run name
 * resumes: stored samples are never requested again, anything unfinished (in flight, failed) is.
 */
export async function runGeneration(options: RunGenerationOptions): Promise<GenerationResult> {
  const { store, teacher, signal } = options;
  const K = options.samples ?? 1;
  const maxTokens = options.maxTokens ?? 8192;
  const temperature = options.temperature ?? 0.6;
  const topP = options.topP ?? 0.95;
  const baseSeed = options.seed ?? 0;
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.requestTimeoutMs ?? 600_000;
  const verify = options.verify ?? true;
  const terms = options.terms ?? TERMS[teacher.info.termsId] ?? TERMS.unknown!;

  const config: Record<string, unknown> = {
    ...options.config,
    teacher: teacher.info.uri,
    provider: teacher.info.provider,
    model: teacher.info.modelId,
    samples: K,
    temperature,
    topP,
    maxTokens,
    thinkingBudget: options.thinkingBudget ?? null,
    seed: baseSeed,
    terms: terms.id,
    trainPolicy: terms.usePolicy.train,
    concurrency: options.concurrency ?? 8,
    ...(options.rpm ? { rpm: options.rpm } : {}),
    ...(options.tpm ? { tpm: options.tpm } : {}),
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
  };
  const { run, created } = store.ensureRun({ name: options.runName, kind: 'generate', config });
  if (!created) {
    for (const k of RESUME_KEYS)
      if (k in run.config && JSON.stringify(run.config[k]) !== JSON.stringify(config[k]))
        throw new InvalidInputError(
          `Run '${options.runName}' was started with ${k}=${JSON.stringify(run.config[k])}, not ${JSON.stringify(config[k])}`,
          { hint: 'repeat the original command to resume, or choose a new --out' },
        );
  }
  const done = store.completedKeys(run.id);
  const total = options.problemCount !== undefined ? options.problemCount * K : undefined;
  const priorWall = num(run.summary.wallMs);
  const cost = new CostMeter(teacher.info.price, options.maxCostUsd, num(run.summary.costUsd));
  const limiter = new RateLimiter({
    ...(options.rpm ? { rpm: options.rpm } : {}),
    ...(options.tpm ? { tpm: options.tpm } : {}),
  });
  const concurrency = new AdaptiveConcurrency(Math.max(1, options.concurrency ?? 8));
  const started = performance.now();
  const priorTokens = (run.summary.tokens ?? {}) as Partial<Record<'input' | 'reasoning' | 'output', number>>;
  const stats = {
    skipped: 0,
    completed: 0,
    failed: 0,
    errors: {} as Record<string, number>,
    tokens: {
      input: num(priorTokens.input),
      reasoning: num(priorTokens.reasoning),
      output: num(priorTokens.output),
    },
    sessionTokens: 0,
  };
  let expectedOut = Math.max(1, Math.floor(maxTokens / 4));
  const inflight = new Set<Promise<void>>();

  const writer = new SampleWriter(store, {
    ...options.writer,
    onFlush: () => {
      store.updateRun(run.id, {
        summary: {
          requested: total,
          costUsd: cost.spentUsd,
          tokens: stats.tokens,
          wallMs: priorWall + (performance.now() - started),
        },
      });
    },
  });

  const progress = (): GenerationProgress => {
    const elapsedMs = performance.now() - started;
    const s = elapsedMs / 1000;
    return {
      runId: run.id,
      runName: run.name,
      total,
      done: done.size + writer.inserted + writer.pending,
      skipped: stats.skipped,
      completed: stats.completed,
      failed: stats.failed,
      inFlight: inflight.size,
      errors: { ...stats.errors },
      costUsd: cost.spentUsd,
      tokens: { ...stats.tokens },
      reqPerSec: s > 0 ? stats.completed / s : 0,
      tokensPerSec: s > 0 ? stats.sessionTokens / s : 0,
      elapsedMs,
      concurrency: concurrency.limit,
    };
  };

  store.updateRun(run.id, { status: 'running', summary: { requested: total, policy: terms.usePolicy } });
  const ticker = options.onProgress
    ? setInterval(() => options.onProgress?.(progress()), options.progressIntervalMs ?? 500)
    : undefined;
  ticker?.unref();

  const runJob = async (
    problem: Problem,
    sampleIdx: number,
    key: string,
    estIn: number,
    reserved: number,
  ) => {
    const seed = sampleSeed(baseSeed, problem.id, sampleIdx);
    const request: ChatRequest = {
      messages: [{ role: 'user', content: problem.prompt }],
      maxTokens,
      temperature,
      topP,
      seed,
      ...(options.thinkingBudget !== undefined ? { thinking: { budgetTokens: options.thinkingBudget } } : {}),
    };
    const estimate = estIn + expectedOut;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) break;
      // One controller per attempt (AbortSignal.any keeps dependents alive on a long-lived parent in Node 20).
      const controller = new AbortController();
      const requestSignal = controller.signal;
      const timer = setTimeout(
        () => controller.abort(new DOMException('Request timed out', 'TimeoutError')),
        timeoutMs,
      );
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if (attempt > 1) await limiter.acquire(estimate, signal);
        const trace = await teacher.generate(request, { signal: requestSignal });
        if (!trace.reasoning && !trace.answer && trace.finishReason !== 'length')
          throw new ProviderError('empty', 'The reply has neither reasoning nor answer');
        cost.settle(reserved, trace.usage);
        reserved = 0;
        const used = trace.usage.input + trace.usage.reasoning + trace.usage.output;
        limiter.settle(estimate, used);
        concurrency.onSuccess();
        const out = trace.usage.reasoning + trace.usage.output;
        expectedOut = Math.max(1, Math.round(expectedOut * 0.9 + out * 0.1));
        stats.tokens.input += trace.usage.input;
        stats.tokens.reasoning += trace.usage.reasoning;
        stats.tokens.output += trace.usage.output;
        stats.sessionTokens += out;
        let verdict: Verdict | undefined;
        if (verify && problem.code) {
          // Code problems: the reply's program runs against the tests in the sandbox.
          verdict = codeVerdictToVerdict(await verifyCode(trace.answer, problem.code, signal));
          if (signal?.aborted) break; // interrupted mid-check: the next run retries this key
        } else if (verify && problem.gold !== undefined)
          verdict = verifyAnswer({ gold: problem.gold, pred: trace.answer, kind: problem.answerKind });
        writer.add(
          buildSample({
            runId: run.id,
            problem,
            trace,
            teacher: teacher.info,
            terms,
            settings: {
              temperature,
              topP,
              maxTokens,
              ...(options.thinkingBudget !== undefined ? { thinkingBudget: options.thinkingBudget } : {}),
              seed,
              sampleIdx,
              templateId: TEMPLATE_ID,
            },
            ...(verdict ? { verdict } : {}),
          }),
        );
        stats.completed += 1;
        break;
      } catch (error) {
        if (signal?.aborted) break; // interrupted: the next run retries this key
        if (error instanceof SetupError) throw error; // no code sandbox here: not a provider failure
        const pe = toProviderError(error, requestSignal);
        const retry = RETRYABLE_KINDS.has(pe.kind) && attempt <= maxRetries;
        stats.errors[pe.kind] = (stats.errors[pe.kind] ?? 0) + 1;
        store.recordFailure({
          runId: run.id,
          requestKey: key,
          kind: pe.kind,
          message: scrubSecrets(pe.message).slice(0, 500),
          attempt,
          status: retry ? 'retried' : 'gave-up',
          ...(pe.status !== undefined ? { httpStatus: pe.status } : {}),
          ...(pe.retryAfterMs !== undefined ? { detail: { retryAfterMs: pe.retryAfterMs } } : {}),
        });
        if (!retry) {
          stats.failed += 1;
          break;
        }
        const delay = backoffDelay(attempt, pe, options.backoff);
        if (pe.kind === 'rate-limit') {
          concurrency.onRateLimit();
          limiter.pause(delay);
        }
        try {
          await sleep(delay, undefined, signal ? { signal } : {});
        } catch {
          break;
        }
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }
    cost.settle(reserved, undefined);
  };

  let stopReason: GenerationResult['stopReason'];
  // Wake the dispatcher when any job ends (cheaper than Promise.race over every in-flight job).
  let wake: (() => void) | undefined;
  const waitAny = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  try {
    outer: for await (const problem of options.problems) {
      for (let idx = 0; idx < K; idx++) {
        const key = sampleKey(run.id, problem.id, idx);
        if (done.has(key)) {
          stats.skipped += 1;
          continue;
        }
        if (signal?.aborted) break outer;
        while (inflight.size >= concurrency.limit) await waitAny();
        const estIn = estimateTokens(problem.prompt);
        const worst = cost.worstCase(estIn, maxTokens);
        while (!cost.canAfford(worst)) {
          if (inflight.size === 0) {
            stopReason = 'max-cost';
            break outer;
          }
          await waitAny();
        }
        try {
          await limiter.acquire(estIn + expectedOut, signal);
        } catch {
          break outer;
        }
        cost.reserve(worst);
        const job: Promise<void> = runJob(problem, idx, key, estIn, worst).finally(() => {
          inflight.delete(job);
          const w = wake;
          wake = undefined;
          w?.();
        });
        inflight.add(job);
      }
    }
    await Promise.all(inflight);
  } finally {
    await Promise.allSettled(inflight);
    if (ticker) clearInterval(ticker);
    writer.flush();
  }
  if (!stopReason && signal?.aborted) stopReason = 'interrupted';
  const status: GenerationResult['status'] =
    stopReason === 'max-cost' ? 'stopped' : stopReason === 'interrupted' ? 'interrupted' : 'completed';
  const final = progress();
  store.updateRun(run.id, {
    status,
    summary: {
      requested: total,
      costUsd: cost.spentUsd,
      tokens: stats.tokens,
      wallMs: priorWall + final.elapsedMs,
      ...(stopReason ? { stopReason } : { stopReason: null }),
    },
  });
  options.onProgress?.(final);
  return { ...final, status, ...(stopReason ? { stopReason } : {}) };
}
