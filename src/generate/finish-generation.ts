import { DEFAULT_KEY_ENV } from '../teachers/api-keys.ts';
import type { ProviderName } from '../teachers/uri.ts';
import { type FailedKind, failureHint } from './failure-hints.ts';
import type { GenerationSession } from './generation-session.ts';
import type { GenerationResult } from './options.ts';

/** The outcome of a session: stopped (cost), interrupted (signal), incomplete (requests gave up) or completed. */
function statusOf(stopReason: GenerationResult['stopReason'], failed: number): GenerationResult['status'] {
  if (stopReason === 'max-cost') return 'stopped';
  if (stopReason === 'interrupted') return 'interrupted';
  return failed > 0 ? 'incomplete' : 'completed';
}

/** The requests that gave up, by kind, each with the hint that names the variable, address or option to change. */
function failuresWithHints(session: GenerationSession): Record<string, FailedKind> {
  const { teacher, options, settings } = session;
  const context = {
    provider: teacher.info.provider,
    teacherUri: teacher.info.uri,
    keyEnv: options.keyEnv ?? DEFAULT_KEY_ENV[teacher.info.provider as ProviderName] ?? '',
    timeoutMs: settings.timeoutMs,
    concurrency: settings.concurrency,
    ...(options.rpm ? { rpm: options.rpm } : {}),
  };
  const failures: Record<string, FailedKind> = {};
  for (const [kind, f] of Object.entries(session.stats.gaveUp))
    failures[kind] = { ...f, hint: failureHint(kind, f.example, f.httpStatus, context) };
  return failures;
}

/** Record the final status and summary on the run, report the last progress, and build the result. */
export function finishGeneration(
  session: GenerationSession,
  stopped: GenerationResult['stopReason'],
): GenerationResult {
  const stopReason = stopped ?? (session.signal?.aborted ? 'interrupted' : undefined);
  const status = statusOf(stopReason, session.stats.failed);
  const failures = failuresWithHints(session);
  const final = session.progress();
  session.store.updateRun(session.run.id, {
    status,
    summary: {
      ...session.summary(),
      ...(stopReason ? { stopReason } : { stopReason: null }),
      failures: Object.keys(failures).length > 0 ? failures : null,
    },
  });
  session.options.onProgress?.(final);
  return { ...final, status, ...(stopReason ? { stopReason } : {}), failures };
}
