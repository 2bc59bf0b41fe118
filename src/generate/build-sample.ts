import type { Problem } from '../core/problem.ts';
import type { Provenance } from '../core/provenance.ts';
import type { Sample } from '../core/sample.ts';
import { sharedValue } from '../core/shared-json.ts';
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

/** The provenance parts every sample of one terms record shares: made once, frozen, their JSON kept. */
const termsParts = new WeakMap<TermsRecord, Pick<Provenance, 'terms' | 'usePolicy'>>();

function sharedTerms(terms: TermsRecord): Pick<Provenance, 'terms' | 'usePolicy'> {
  let parts = termsParts.get(terms);
  if (!parts) {
    parts = { terms: sharedValue(termsRef(terms)), usePolicy: sharedValue(terms.usePolicy) };
    termsParts.set(terms, parts);
  }
  return parts;
}

/** The provenance teacher of each teacher (and endpoint of a pool): made once, frozen, its JSON kept. */
const teacherParts = new WeakMap<TeacherInfo, Map<string | undefined, Provenance['teacher']>>();

function sharedTeacher(teacher: TeacherInfo, endpoint: string | undefined): Provenance['teacher'] {
  let byEndpoint = teacherParts.get(teacher);
  if (!byEndpoint) {
    byEndpoint = new Map();
    teacherParts.set(teacher, byEndpoint);
  }
  let part = byEndpoint.get(endpoint);
  // Rebuilt if the info changed since (nothing changes it today; a stale provenance would be wrong, not slow).
  if (
    !part ||
    part.provider !== teacher.provider ||
    part.modelId !== teacher.modelId ||
    part.versionOrWeightsSha !== (teacher.versionOrWeightsSha || undefined) ||
    part.access !== teacher.access
  ) {
    part = sharedValue({
      provider: teacher.provider,
      modelId: teacher.modelId,
      ...(teacher.versionOrWeightsSha ? { versionOrWeightsSha: teacher.versionOrWeightsSha } : {}),
      access: teacher.access,
      ...(endpoint !== undefined ? { endpoint } : {}),
    });
    byEndpoint.set(endpoint, part);
  }
  return part;
}

let isoMs = Number.NaN;
let isoText = '';

/** The current time in ISO 8601 (one Date per millisecond, not per sample). */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

/**
 * A stored sample with its full provenance record and content hash. The provenance's `teacher`, `terms` and
 * `usePolicy` are shared, frozen objects (the same for every sample of a run; the store writes their JSON once).
 */
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
  const shared = sharedTerms(terms);
  const provenance: Provenance = {
    prompt: promptRef(problem),
    teacher: sharedTeacher(teacher, typeof trace.raw?.endpoint === 'string' ? trace.raw.endpoint : undefined),
    terms: shared.terms,
    usePolicy: shared.usePolicy,
    generation: {
      ts: isoNow(),
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
