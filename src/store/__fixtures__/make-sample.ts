import type { Sample } from '../../core/sample.ts';
import { contentSha256, sampleKey } from '../sample-key.ts';

/** Options of `makeSample` (test and bench data only). */
export interface MakeSampleOptions {
  runId: string;
  problemId: string;
  sampleIdx?: number;
  /** Extra `problem.meta` fields (e.g. a batch id). */
  meta?: Record<string, unknown>;
  /** Characters of reasoning text. Defaults to 200. */
  reasoningChars?: number;
  usage?: { input: number; reasoning: number; output: number };
}

/** A complete, schema-valid Sample as generation would write it. */
export function makeSample(options: MakeSampleOptions): Sample {
  const sampleIdx = options.sampleIdx ?? 0;
  const reasoning = `Let me think about ${options.problemId}. `.padEnd(
    options.reasoningChars ?? 200,
    'step ',
  );
  const answer = `The answer is \\boxed{${sampleIdx + 1}}.`;
  return {
    id: sampleKey(options.runId, options.problemId, sampleIdx),
    runId: options.runId,
    sampleIdx,
    problem: {
      id: options.problemId,
      source: { kind: 'builtin', family: 'add', split: 'train', level: 1, seed: 1, index: 0 },
      prompt: `What is ${options.problemId}?`,
      gold: String(sampleIdx + 1),
      answerKind: 'math',
      origin: 'synthetic',
      meta: options.meta ?? {},
    },
    trace: {
      reasoning,
      answer,
      finishReason: 'stop',
      truncatedInThinking: false,
      usage: options.usage ?? { input: 10, reasoning: 50, output: 5 },
      timing: { totalMs: 120 },
    },
    provenance: {
      prompt: {
        text: `What is ${options.problemId}?`,
        sourceDataset: 'builtin:add',
        recordId: options.problemId,
        origin: 'synthetic',
      },
      teacher: { provider: 'openai-compatible', modelId: 'test-teacher', access: 'self_hosted' },
      terms: {
        id: 'apache-2.0',
        url: 'https://example.invalid/terms',
        snapshotSha256: 'x',
        retrievedAt: 'now',
      },
      usePolicy: { train: 'allowed', obligations: [], commercialOk: true },
      generation: { ts: '2026-01-01T00:00:00.000Z', temperature: 0.6, sampleIdx },
    },
    contentSha256: contentSha256(reasoning, answer),
    filters: [],
  };
}
