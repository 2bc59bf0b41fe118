import type { Problem } from '../core/problem.ts';
import type { Provenance } from '../core/provenance.ts';
import type { Sample } from '../core/sample.ts';
import type { Trace } from '../core/trace.ts';
import type { Verdict } from '../core/verdict.ts';
import { contentSha256, sampleKey } from '../store/sample-key.ts';
import type { TeacherInfo } from '../teachers/teacher.ts';
import type { TermsRecord } from '../teachers/terms/registry.ts';
import { termsRef } from '../teachers/terms/registry.ts';

/** Sampling settings of one request, as recorded in provenance. */
export interface SampleSettings {
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Thinking budget asked for (opt-in forcing). Defaults to none. */
  thinkingBudget?: number;
  seed: number;
  sampleIdx: number;
  /** How the prompt was turned into messages. */
  templateId: string;
}

/** Where the prompt came from, in provenance terms (REFERENCE.md §3). */
export function promptRef(problem: Problem): Provenance['prompt'] {
  const s = problem.source;
  return {
    text: problem.prompt,
    sourceDataset: s.kind === 'builtin' ? `distill-builtin/${s.family}` : s.dataset,
    ...(s.kind === 'dataset' && s.revision ? { revision: s.revision } : {}),
    recordId: problem.id,
    ...(s.kind === 'dataset' && s.licenseSpdx
      ? { licenseSpdx: s.licenseSpdx }
      : s.kind === 'builtin'
        ? { licenseSpdx: 'Apache-2.0' }
        : {}),
    origin: problem.origin,
  };
}

/** A stored sample with its full provenance record and content hash. */
export function buildSample(input: {
  runId: string;
  problem: Problem;
  trace: Trace;
  teacher: TeacherInfo;
  terms: TermsRecord;
  settings: SampleSettings;
  verdict?: Verdict;
  /** The sample's key when the caller already has it (the engine computed it to skip done samples). Defaults to {@link sampleKey}. */
  id?: string;
}): Sample {
  const { runId, problem, trace, teacher, terms, settings } = input;
  const provenance: Provenance = {
    prompt: promptRef(problem),
    teacher: {
      provider: teacher.provider,
      modelId: teacher.modelId,
      ...(teacher.versionOrWeightsSha ? { versionOrWeightsSha: teacher.versionOrWeightsSha } : {}),
      access: teacher.access,
      ...(typeof trace.raw?.endpoint === 'string' ? { endpoint: trace.raw.endpoint } : {}),
    },
    terms: termsRef(terms),
    usePolicy: terms.usePolicy,
    generation: {
      ts: new Date().toISOString(),
      temperature: settings.temperature,
      topP: settings.topP,
      maxTokens: settings.maxTokens,
      ...(settings.thinkingBudget !== undefined ? { thinkingBudget: settings.thinkingBudget } : {}),
      ...(trace.thinkingEnd ? { thinkingEnd: trace.thinkingEnd } : {}),
      seed: settings.seed,
      templateId: settings.templateId,
      sampleIdx: settings.sampleIdx,
    },
  };
  return {
    id: input.id ?? sampleKey(runId, problem.id, settings.sampleIdx),
    runId,
    sampleIdx: settings.sampleIdx,
    problem,
    trace,
    provenance,
    contentSha256: contentSha256(trace.reasoning, trace.answer),
    ...(input.verdict ? { verdict: input.verdict } : {}),
    filters: [],
  };
}
