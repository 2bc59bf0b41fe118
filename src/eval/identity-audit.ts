import type { ChatModel } from '../core/chat-model.ts';
import { foldTrace } from '../core/trace-fold.ts';
import {
  type IdentityAuditSummary,
  type IdentityJudgement,
  judgeIdentity,
  summariseIdentity,
} from './identity-judge.ts';
import { IDENTITY_PROBES, type IdentityProbe } from './identity-probes.ts';

export interface IdentityAuditOptions {
  model: ChatModel;
  /** Names the model may call itself (declared identity). */
  identity: string[];
  /** Defaults to 256. */
  maxTokens?: number;
  /** Defaults to 8. */
  concurrency?: number;
  /** Defaults to the built-in probe set. */
  probes?: IdentityProbe[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface IdentityAuditResult extends IdentityAuditSummary {
  identity: string[];
  items: Array<{ probe: IdentityProbe; answer: string; judgement: IdentityJudgement }>;
}

/** Ask every identity probe (greedy) and judge the answers: loose and strict rates (REFERENCE.md §4). */
export async function auditIdentity(options: IdentityAuditOptions): Promise<IdentityAuditResult> {
  const probes = options.probes ?? IDENTITY_PROBES;
  const items: IdentityAuditResult['items'] = new Array(probes.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < probes.length) {
      const i = next++;
      const probe = probes[i]!;
      const trace = await foldTrace(
        options.model.stream(
          {
            messages: [{ role: 'user', content: probe.text }],
            maxTokens: options.maxTokens ?? 256,
            temperature: 0,
            seed: 1,
          },
          options.signal ? { signal: options.signal } : {},
        ),
      );
      items[i] = {
        probe,
        answer: trace.answer,
        judgement: judgeIdentity(trace.answer, { names: options.identity }),
      };
      done += 1;
      options.onProgress?.(done, probes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, probes.length) }, worker));
  return { ...summariseIdentity(items.map((i) => i.judgement)), identity: options.identity, items };
}
