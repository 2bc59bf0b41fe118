import type { FilterResult, Sample } from '../core/sample.ts';
import type { Verdict } from '../core/verdict.ts';
import {
  type ContaminationReport,
  type CurationSummary,
  countInto,
  emptyCounts,
} from './curation-summary.ts';
import {
  ContaminationIndex,
  type ContaminationMatch,
  DECONTAMINATION_VERSION,
  type DecontaminationOptions,
  type EvalSet,
} from './decontaminate.ts';
import { DEDUP_VERSION, Deduplicator, type DedupOptions } from './dedup.ts';
import type { SampleFilter } from './filters/sample-filter.ts';
import { type Candidate, type KeepPolicy, type PerPromptPolicy, selectPerPrompt } from './rejection.ts';

export interface CuratorOptions {
  runId: string;
  /** `correct` keeps only verified-correct samples. Defaults to `correct`. */
  keep?: KeepPolicy;
  /** Samples kept per prompt. Defaults to `all`. */
  perPrompt?: PerPromptPolicy;
  /** Filters to run on every sample, in order. Defaults to none. */
  filters?: readonly SampleFilter[];
  /** Eval sets to decontaminate against. Defaults to none. */
  evalSets?: readonly EvalSet[];
  decontamination?: DecontaminationOptions;
  /** Prompt dedup. Defaults to word 3-gram shingles, Jaccard 0.7, same numbers required. */
  promptDedup?: DedupOptions;
  /** Trace dedup. Defaults to word 5-gram shingles, Jaccard 0.8, same numbers required. */
  traceDedup?: DedupOptions;
  /** Computes a verdict (null when the problem has no gold answer). Defaults to keeping the stored verdict. */
  verify?: (sample: Sample) => Verdict | null;
}

/** The final decision on one sample. */
export interface CurationDecision {
  sampleId: string;
  kept: boolean;
  /** The first check that failed (null when kept). */
  reason: string | null;
  detail: Record<string, unknown>;
}

/** What `add` computed for one sample, to persist right away. */
export interface SampleChecks {
  sampleId: string;
  /** A freshly computed verdict (undefined when the stored one was kept). */
  verdict?: Verdict;
  /** Results of every check that ran (filters, decontamination, dedup). */
  filters: FilterResult[];
}

interface State {
  sampleId: string;
  problemId: string;
  teacher: string;
  family: string;
  reason: string | null;
  detail: Record<string, unknown>;
  candidate: Candidate;
}

interface PromptCheck {
  contamination: ContaminationMatch | null;
  duplicateOf: { kind: 'exact' | 'near'; of: string; similarity: number } | null;
}

/** Teacher key of a sample for the summary: `provider:model`. */
export function teacherKey(sample: Sample): string {
  return `${sample.provenance.teacher.provider}:${sample.provenance.teacher.modelId}`;
}

/** Task family of a sample for the summary: the built-in family or the dataset name. */
export function familyKey(sample: Sample): string {
  const s = sample.problem.source;
  return s.kind === 'builtin' ? s.family : s.dataset;
}

/**
 * Streaming curation. `add` every sample (store order), persisting what it returns; then `finish` applies the
 * per-prompt policy and returns every decision plus the summary. Memory per sample is a few small fields and
 * one MinHash signature; the samples themselves are not kept.
 */
export class Curator {
  private readonly keep: KeepPolicy;
  private readonly perPrompt: PerPromptPolicy;
  private readonly filters: readonly SampleFilter[];
  private readonly contamination: ContaminationIndex | null;
  private readonly prompts: Deduplicator;
  private readonly traces: Deduplicator;
  private readonly promptChecks = new Map<string, PromptCheck>();
  private readonly contaminated = new Map<string, ContaminationReport>();
  private readonly states: State[] = [];
  private readonly flagged: Record<string, number> = {};
  private readonly verification = { verified: 0, correct: 0, unverifiable: 0 };
  /** One params object per check, shared by every result (the store serialises each once). */
  private readonly decontaminationParams: Record<string, unknown>;

  constructor(private readonly options: CuratorOptions) {
    this.keep = options.keep ?? 'correct';
    this.perPrompt = options.perPrompt ?? 'all';
    this.filters = options.filters ?? [];
    this.contamination =
      options.evalSets && options.evalSets.length > 0
        ? new ContaminationIndex(options.evalSets, options.decontamination)
        : null;
    this.decontaminationParams = this.contamination
      ? { ...this.contamination.params, sets: this.contamination.sets.map((s) => s.name) }
      : {};
    this.prompts = new Deduplicator({ shingle: 3, threshold: 0.7, ...options.promptDedup });
    this.traces = new Deduplicator({ shingle: 5, ...options.traceDedup });
  }

  private flag(name: string): void {
    this.flagged[name] = (this.flagged[name] ?? 0) + 1;
  }

  /** Check one sample; returns the verdict and check results to persist. */
  add(sample: Sample): SampleChecks {
    const computed = this.options.verify?.(sample) ?? null;
    const verdict = computed ?? sample.verdict ?? null;
    if (computed) this.verification.verified++;
    else if (!verdict) this.verification.unverifiable++;
    if (verdict?.correct) this.verification.correct++;
    const results: FilterResult[] = [];
    let reason: string | null = null;
    const detail: Record<string, unknown> = {};
    const fail = (r: string, d: Record<string, unknown>) => {
      this.flag(r);
      if (reason === null) {
        reason = r;
        Object.assign(detail, d);
      }
    };
    const prompt = this.checkPrompt(sample);
    if (this.contamination) {
      const c = prompt.contamination;
      results.push({
        name: 'decontamination',
        version: DECONTAMINATION_VERSION,
        params: this.decontaminationParams,
        passed: c === null,
        matches: c ? [`${c.method} ${c.evalSet}/${c.evalId}: ${c.evidence}`] : [],
      });
      if (c) fail('contaminated', { ...c });
    }
    const dup = prompt.duplicateOf;
    results.push({
      name: 'dedup-prompt',
      version: DEDUP_VERSION,
      params: this.prompts.params,
      passed: dup === null,
      matches: dup
        ? [`${dup.kind} duplicate of problem ${dup.of} (jaccard ${dup.similarity.toFixed(2)})`]
        : [],
    });
    if (dup) fail(dup.kind === 'exact' ? 'duplicate-prompt' : 'near-duplicate-prompt', { ...dup });
    for (const filter of this.filters) {
      const r = filter.apply(sample);
      results.push(r);
      if (!r.passed) fail(r.name, { matches: r.matches });
    }
    if (this.keep === 'correct') {
      if (!verdict) fail('unverifiable', { note: 'no gold answer and no stored verdict' });
      else if (!verdict.correct) fail('incorrect', { extracted: verdict.extracted, method: verdict.method });
    }
    if (reason === null) {
      const t = this.traces.check(sample.id, `${sample.trace.reasoning}\n${sample.trace.answer}`);
      results.push({
        name: 'dedup-trace',
        version: DEDUP_VERSION,
        params: this.traces.params,
        passed: t === null,
        matches: t ? [`${t.kind} duplicate of sample ${t.of} (jaccard ${t.similarity.toFixed(2)})`] : [],
      });
      if (t) fail(t.kind === 'exact' ? 'duplicate-trace' : 'near-duplicate-trace', { ...t });
    }
    this.states.push({
      sampleId: sample.id,
      problemId: sample.problem.id,
      teacher: teacherKey(sample),
      family: familyKey(sample),
      reason,
      detail,
      candidate: {
        index: this.states.length,
        sampleIdx: sample.sampleIdx,
        correct: verdict?.correct === true,
        stopped: sample.trace.finishReason === 'stop',
        length: sample.trace.reasoning.length + sample.trace.answer.length,
      },
    });
    return { sampleId: sample.id, ...(computed ? { verdict: computed } : {}), filters: results };
  }

  private checkPrompt(sample: Sample): PromptCheck {
    const id = sample.problem.id;
    let check = this.promptChecks.get(id);
    if (!check) {
      const contamination = this.contamination?.check(sample.problem.prompt) ?? null;
      // Contaminated prompts are not dedup representatives: a copy of one is contaminated too.
      const duplicateOf = contamination ? null : this.prompts.check(id, sample.problem.prompt);
      check = { contamination, duplicateOf };
      this.promptChecks.set(id, check);
      if (contamination)
        this.contaminated.set(id, {
          problemId: id,
          prompt: sample.problem.prompt.slice(0, 200),
          ...contamination,
          samples: 0,
        });
    }
    const report = this.contaminated.get(id);
    if (report) report.samples++;
    return check;
  }

  /** Apply the per-prompt policy; return every decision (store order) and the summary. */
  finish(): { decisions: CurationDecision[]; summary: CurationSummary } {
    const groups = new Map<string, Candidate[]>();
    for (const s of this.states) {
      if (s.reason !== null) continue;
      const list = groups.get(s.problemId) ?? [];
      list.push(s.candidate);
      groups.set(s.problemId, list);
    }
    for (const list of groups.values()) {
      const chosen = new Set(selectPerPrompt(list, this.perPrompt));
      for (const c of list) {
        if (chosen.has(c.index)) continue;
        const s = this.states[c.index] as State;
        s.reason = 'not-selected';
        s.detail = { policy: this.perPrompt };
      }
    }
    const summary: CurationSummary = {
      runId: this.options.runId,
      total: 0,
      kept: 0,
      dropped: {},
      flagged: this.flagged,
      byTeacher: {},
      byFamily: {},
      contamination: [...this.contaminated.values()],
      evalSets: this.contamination?.sets ?? [],
      options: {
        keep: this.keep,
        perPrompt: this.perPrompt,
        filters: this.filters.map((f) => ({ name: f.name, version: f.version, params: f.params })),
        decontamination: this.contamination?.params ?? null,
        promptDedup: this.prompts.params,
        traceDedup: this.traces.params,
      },
      verification: this.verification,
    };
    const all = { total: 0, kept: 0, dropped: summary.dropped };
    const decisions = this.states.map((s) => {
      countInto(all, s.reason);
      summary.byTeacher[s.teacher] ??= emptyCounts();
      countInto(summary.byTeacher[s.teacher]!, s.reason);
      summary.byFamily[s.family] ??= emptyCounts();
      countInto(summary.byFamily[s.family]!, s.reason);
      return { sampleId: s.sampleId, kept: s.reason === null, reason: s.reason, detail: s.detail };
    });
    summary.total = all.total;
    summary.kept = all.kept;
    return { decisions, summary };
  }
}
