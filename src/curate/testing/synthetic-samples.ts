import { sha256, stableId } from '../../core/hash.ts';
import type { TrainPolicy } from '../../core/provenance.ts';
import type { Sample } from '../../core/sample.ts';
import type { FinishReason, ThinkingEnd } from '../../core/trace.ts';

/** Fields of a synthetic sample (tests and benches); everything else gets plausible defaults. */
export interface SyntheticSampleInput {
  runId?: string;
  problemId: string;
  sampleIdx?: number;
  prompt: string;
  gold?: string;
  reasoning: string;
  answer: string;
  finishReason?: FinishReason;
  /** Defaults to none recorded (a trace stored before `thinkingEnd` existed). */
  thinkingEnd?: ThinkingEnd;
  truncatedInThinking?: boolean;
  correct?: boolean;
  family?: string;
  provider?: string;
  model?: string;
  train?: TrainPolicy;
  obligations?: string[];
  termsId?: string;
}

/** A valid {@link Sample} built from a few fields, for tests and benchmarks. */
export function syntheticSample(input: SyntheticSampleInput): Sample {
  const runId = input.runId ?? 'run-test';
  const sampleIdx = input.sampleIdx ?? 0;
  const provider = input.provider ?? 'builtin';
  const model = input.model ?? 'distill-teacher-tiny';
  return {
    id: stableId(runId, input.problemId, sampleIdx),
    runId,
    sampleIdx,
    problem: {
      id: input.problemId,
      source: { kind: 'builtin', family: input.family ?? 'add', split: 'train', level: 1, seed: 1, index: 0 },
      prompt: input.prompt,
      ...(input.gold !== undefined ? { gold: input.gold } : {}),
      answerKind: 'math',
      origin: 'synthetic',
      meta: {},
    },
    trace: {
      reasoning: input.reasoning,
      answer: input.answer,
      finishReason: input.finishReason ?? 'stop',
      truncatedInThinking: input.truncatedInThinking ?? false,
      ...(input.thinkingEnd ? { thinkingEnd: input.thinkingEnd } : {}),
      usage: {
        input: 10,
        reasoning: Math.ceil(input.reasoning.length / 4),
        output: Math.ceil(input.answer.length / 4),
      },
      timing: { totalMs: 100 },
    },
    provenance: {
      prompt: {
        text: input.prompt,
        sourceDataset: `builtin/${input.family ?? 'add'}`,
        recordId: input.problemId,
        licenseSpdx: 'Apache-2.0',
        origin: 'synthetic',
      },
      teacher: { provider, modelId: model, access: 'self_hosted' },
      terms: {
        id: input.termsId ?? `${provider}-terms`,
        url: `https://example.invalid/${provider}/terms`,
        snapshotSha256: sha256(`${provider} terms`),
        retrievedAt: '2026-11-01T00:00:00.000Z',
      },
      usePolicy: {
        train: input.train ?? 'allowed',
        obligations: input.obligations ?? [],
        commercialOk: true,
      },
      generation: { ts: '2026-11-28T00:00:00.000Z', temperature: 0.6, topP: 0.95, sampleIdx },
    },
    contentSha256: sha256(`${input.reasoning}\u0000${input.answer}`),
    ...(input.correct !== undefined
      ? {
          verdict: {
            correct: input.correct,
            extracted: input.correct ? (input.gold ?? null) : 'wrong',
            extractor: 'boxed',
            method: 'numeric',
            verifierVersion: 'test',
          },
        }
      : {}),
    filters: [],
  };
}
