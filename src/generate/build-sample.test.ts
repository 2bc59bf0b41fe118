import { describe, expect, it } from 'vitest';
import type { Problem } from '../core/problem.ts';
import { ProvenanceSchema } from '../core/provenance.ts';
import { SampleSchema } from '../core/sample.ts';
import type { Trace } from '../core/trace.ts';
import { sampleRow } from '../store/sample-queries.ts';
import type { TeacherInfo } from '../teachers/teacher.ts';
import { TERMS } from '../teachers/terms/registry.ts';
import { buildSample } from './build-sample.ts';

const teacher: TeacherInfo = {
  uri: 'openai-compatible:http://127.0.0.1:1/v1#m',
  provider: 'openai-compatible',
  modelId: 'm',
  access: 'self_hosted',
  termsId: 'distill-builtin',
  price: { input: 0, output: 0 },
};

const problem = (i: number): Problem => ({
  id: `p${i}`,
  source: { kind: 'builtin', family: 'add', split: 'train', level: 1, seed: 0, index: i },
  prompt: `What is ${i} + 1?`,
  gold: String(i + 1),
  answerKind: 'math',
  origin: 'synthetic',
  meta: {},
});

const trace = (endpoint?: string): Trace => ({
  reasoning: 'Adding one.',
  answer: '\\boxed{2}',
  finishReason: 'stop',
  truncatedInThinking: false,
  usage: { input: 5, reasoning: 3, output: 2 },
  timing: { ttftMs: 1.234567890123, thinkingMs: 0.1, totalMs: 2.5, tokensPerSecond: 1234.5678901 },
  raw: { model: 'm', ...(endpoint ? { endpoint } : {}) },
});

const build = (i: number, t: Trace, terms = TERMS['distill-builtin']!) =>
  buildSample({
    runId: 'run-1',
    problem: problem(i),
    trace: t,
    teacher,
    terms,
    settings: { temperature: 0.6, topP: 0.95, maxTokens: 64, seed: i, sampleIdx: 0, templateId: 't' },
  });

describe('buildSample', () => {
  it('shares one frozen teacher, terms and use policy across a run, and the stored JSON is the same as before', () => {
    const a = build(1, trace());
    const b = build(2, trace());
    expect(b.provenance.terms).toBe(a.provenance.terms);
    expect(b.provenance.usePolicy).toBe(a.provenance.usePolicy);
    expect(b.provenance.teacher).toBe(a.provenance.teacher);
    expect(Object.isFrozen(a.provenance.usePolicy)).toBe(true);
    expect(a.provenance.teacher).toEqual({
      provider: 'openai-compatible',
      modelId: 'm',
      access: 'self_hosted',
    });
    expect(a.provenance.usePolicy).toEqual(TERMS['distill-builtin']!.usePolicy);
    // The row's provenance text is exactly JSON.stringify of the record (written from the shared parts' text).
    const plain = structuredClone(a.provenance);
    const row = sampleRow(a, { trusted: true });
    expect(row.params[6]).toBe(JSON.stringify(plain));
    expect(ProvenanceSchema.parse(JSON.parse(row.params[6] as string))).toEqual(plain);
    expect(SampleSchema.safeParse(a).success).toBe(true);
    expect(new Date(a.provenance.generation.ts).toISOString()).toBe(a.provenance.generation.ts);
  });

  it('records the endpoint that served each sample of a pool, and other terms get their own parts', () => {
    const x = build(1, trace('http://127.0.0.1:1/v1'));
    const y = build(2, trace('http://127.0.0.1:2/v1'));
    const x2 = build(3, trace('http://127.0.0.1:1/v1'));
    expect(x.provenance.teacher.endpoint).toBe('http://127.0.0.1:1/v1');
    expect(y.provenance.teacher.endpoint).toBe('http://127.0.0.1:2/v1');
    expect(x2.provenance.teacher).toBe(x.provenance.teacher);
    const other = Object.values(TERMS).find((t) => t.id !== 'distill-builtin')!;
    const z = build(4, trace(), other);
    expect(z.provenance.terms.id).toBe(other.id);
    expect(z.provenance.usePolicy).toEqual(other.usePolicy);
    expect(sampleRow(z, { trusted: true }).params[6]).toBe(JSON.stringify(structuredClone(z.provenance)));
  });
});

describe('buildSample with a changed teacher', () => {
  it('never reuses a teacher part made from values that have changed since', () => {
    const info = { ...teacher };
    const t = trace();
    const build = (n: number) =>
      buildSample({
        runId: 'run-1',
        problem: problem(n),
        trace: t,
        teacher: info,
        terms: TERMS['distill-builtin']!,
        settings: { temperature: 0.6, topP: 0.95, maxTokens: 64, seed: n, sampleIdx: 0, templateId: 't' },
      });
    const first = build(1);
    info.versionOrWeightsSha = 'abc123';
    const second = build(2);
    expect(first.provenance.teacher.versionOrWeightsSha).toBeUndefined();
    expect(second.provenance.teacher.versionOrWeightsSha).toBe('abc123');
  });
});
