import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CodeSpec } from '../../core/code-spec.ts';
import { type CodeFailure, type CodeStatus, CodeStatusSchema, type Verdict } from '../../core/verdict.ts';
import { VERIFIER_VERSION } from '../version.ts';
import { extractProgram } from './extract-program.ts';
import { HARNESS_PY } from './harness.ts';
import { runSandboxed, type SandboxResult } from './sandbox.ts';

export { type CodeStatus, CodeStatusSchema };

/** The result of running one reply's program against a problem's tests. */
export interface CodeVerdict {
  status: CodeStatus;
  /** The extracted program (null when there was none). */
  program: string | null;
  /** Tests that passed before the first failure, and how many there are. */
  passed: number;
  total: number;
  /** The first failing test: its text, and expected vs got where known. */
  failure?: CodeFailure;
  /** One line for people. */
  detail: string;
  wallMs: number;
  /** What the program printed (harness lines removed), clipped; absent when empty. */
  stdout?: string;
  /** The end of what the program wrote to stderr (where a traceback is), clipped; absent when empty. */
  stderr?: string;
}

/** Characters of stdout (its start) and stderr (its end) a verdict keeps. */
export const OUTPUT_EXCERPT_CHARS = 2_000;

/** The program's own output from a run: harness lines (prefixed with the nonce) dropped, clipped. */
function excerpts(r: SandboxResult, nonce?: string): { stdout?: string; stderr?: string } {
  const own = nonce
    ? r.stdout
        .split('\n')
        .filter((l) => !l.startsWith(nonce))
        .join('\n')
    : r.stdout;
  const stdout = own.trim();
  const stderr = r.stderr.trim();
  const n = OUTPUT_EXCERPT_CHARS;
  return {
    ...(stdout ? { stdout: stdout.length <= n ? stdout : `${stdout.slice(0, n)}…` } : {}),
    ...(stderr ? { stderr: stderr.length <= n ? stderr : `…${stderr.slice(-n)}` } : {}),
  };
}

const HarnessLineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('syntax'), error: z.string() }),
  z.object({ kind: z.literal('load'), error: z.string() }),
  z.object({ kind: z.literal('memory'), where: z.string(), test: z.number().optional() }),
  z.object({ kind: z.literal('start'), test: z.number() }),
  z.object({
    kind: z.literal('fail'),
    test: z.number(),
    expected: z.string().optional(),
    got: z.string().optional(),
    error: z.string().nullable().optional(),
    /** The test raised something other than AssertionError. */
    raised: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('passed') }),
]);
type HarnessLine = z.infer<typeof HarnessLineSchema>;

function harnessLines(stdout: string, nonce: string): HarnessLine[] {
  const lines: HarnessLine[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(nonce)) continue;
    const parsed = HarnessLineSchema.safeParse(JSON.parse(line.slice(nonce.length)));
    if (parsed.success) lines.push(parsed.data);
  }
  return lines;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}

function clip(text: string, n = 200): string {
  return text.length <= n ? text : `${text.slice(0, n)}…`;
}

function limitStatus(r: SandboxResult, spec: CodeSpec): { status: CodeStatus; detail: string } | undefined {
  if (r.status === 'timeout')
    return { status: 'timeout', detail: `ran past the ${spec.timeLimitMs} ms limit` };
  if (r.status === 'memory')
    return { status: 'memory', detail: `ran past the ${spec.memoryMb} MiB memory limit` };
  if (r.status === 'output-limit')
    return { status: 'output-limit', detail: 'printed more than the output limit' };
  return undefined;
}

async function runAsserts(
  program: string,
  spec: CodeSpec,
  signal?: AbortSignal,
): Promise<Omit<CodeVerdict, 'program'>> {
  const nonce = `@@distill-${randomBytes(12).toString('hex')}@@`;
  const texts = [...spec.asserts, ...(spec.check ? ['check(candidate)'] : [])];
  const total = texts.length;
  const r = await runSandboxed({
    files: {
      'main.py': HARNESS_PY,
      'solution.py': program,
      'tests.json': JSON.stringify({
        nonce,
        asserts: spec.asserts,
        check: spec.check,
        entryPoint: spec.entryPoint,
        prelude: spec.prelude,
      }),
    },
    main: 'main.py',
    limits: { timeMs: spec.timeLimitMs, memoryMb: spec.memoryMb },
    ...(signal ? { signal } : {}),
  });
  const lines = harnessLines(r.stdout, nonce);
  const started = lines.filter((l) => l.kind === 'start').length;
  const at = (test: number) => ({ test, text: texts[test] ?? '' });
  const end = lines.at(-1);
  const wallMs = r.wallMs;
  const out = excerpts(r, nonce);
  const limited = limitStatus(r, spec);
  if (limited) {
    const running = started > 0 ? ` in test ${started}: ${clip(texts[started - 1] ?? '')}` : ' while loading';
    return {
      ...limited,
      detail: `${limited.detail}${running}`,
      passed: Math.max(0, started - 1),
      total,
      wallMs,
      ...out,
    };
  }
  if (!end || end.kind === 'start') {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    const err = lastLine(r.stderr);
    return {
      status: 'runtime-error',
      passed: Math.max(0, started - 1),
      total,
      detail: `the program ${how} before the tests finished${err ? `: ${err}` : ''}`,
      wallMs,
      ...out,
    };
  }
  switch (end.kind) {
    case 'syntax':
      return { status: 'syntax-error', passed: 0, total, detail: end.error, wallMs, ...out };
    case 'load':
      return {
        status: 'runtime-error',
        passed: 0,
        total,
        detail: `loading the program: ${end.error}`,
        wallMs,
        ...out,
      };
    case 'memory':
      return {
        status: 'memory',
        passed: end.test ?? 0,
        total,
        detail: `ran out of memory (${spec.memoryMb} MiB limit)`,
        wallMs,
        ...out,
      };
    case 'fail': {
      const failure = {
        ...at(end.test),
        ...(end.expected !== undefined ? { expected: end.expected } : {}),
        ...(end.got !== undefined ? { got: end.got } : {}),
        ...(end.error ? { error: end.error } : {}),
      };
      const what =
        end.expected !== undefined
          ? `expected ${clip(end.expected)}, got ${clip(end.got ?? '')}`
          : (end.error ?? 'assertion failed');
      return {
        status: end.raised ? 'runtime-error' : 'wrong-answer',
        passed: end.test,
        total,
        failure,
        detail: `test ${end.test + 1}/${total} ${end.raised ? 'raised' : 'failed'}: ${clip(failure.text)} — ${what}`,
        wallMs,
        ...out,
      };
    }
    case 'passed':
      return { status: 'passed', passed: total, total, detail: `passed ${total}/${total} tests`, wallMs };
  }
}

function normalizeOutput(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

async function runIo(
  program: string,
  spec: CodeSpec,
  signal?: AbortSignal,
): Promise<Omit<CodeVerdict, 'program'>> {
  const total = spec.io.length;
  let wallMs = 0;
  for (const [i, c] of spec.io.entries()) {
    const r = await runSandboxed({
      files: { 'solution.py': spec.prelude ? `${spec.prelude}\n${program}` : program },
      main: 'solution.py',
      stdin: c.input,
      limits: { timeMs: spec.timeLimitMs, memoryMb: spec.memoryMb },
      ...(signal ? { signal } : {}),
    });
    wallMs += r.wallMs;
    const text = `stdin ${JSON.stringify(clip(c.input, 80))}`;
    const limited = limitStatus(r, spec);
    if (limited)
      return {
        ...limited,
        detail: `${limited.detail} on case ${i + 1}`,
        passed: i,
        total,
        wallMs,
        ...excerpts(r),
      };
    if (r.status !== 'exited' || r.exitCode !== 0) {
      const err = lastLine(r.stderr);
      const syntax = /^(SyntaxError|IndentationError|TabError)\b/.test(err);
      return {
        status: syntax ? 'syntax-error' : 'runtime-error',
        passed: i,
        total,
        failure: { test: i, text, error: err },
        detail: syntax
          ? err
          : `case ${i + 1}/${total}: exit ${r.exitCode ?? r.signal}${err ? ` — ${err}` : ''}`,
        wallMs,
        ...excerpts(r),
      };
    }
    const got = normalizeOutput(r.stdout);
    const expected = normalizeOutput(c.output);
    if (got !== expected)
      return {
        status: 'wrong-answer',
        passed: i,
        total,
        failure: { test: i, text, expected, got },
        detail: `case ${i + 1}/${total} (${text}): expected ${JSON.stringify(clip(expected))}, got ${JSON.stringify(clip(got))}`,
        wallMs,
        ...excerpts(r),
      };
  }
  return { status: 'passed', passed: total, total, detail: `passed ${total}/${total} cases`, wallMs };
}

/** Extracts the final program from a reply and runs it against the spec's tests in the sandbox. */
export async function verifyCode(reply: string, spec: CodeSpec, signal?: AbortSignal): Promise<CodeVerdict> {
  const extraction = extractProgram(reply);
  if (!extraction.ok)
    return { status: 'no-code', program: null, passed: 0, total: 0, detail: extraction.reason, wallMs: 0 };
  return verifyProgram(extraction.program, spec, signal);
}

/** Runs a program (already extracted) against the spec's tests: asserts and check first, then stdin/stdout cases. */
export async function verifyProgram(
  program: string,
  spec: CodeSpec,
  signal?: AbortSignal,
): Promise<CodeVerdict> {
  const hasAsserts = spec.asserts.length > 0 || spec.check !== undefined;
  const a = hasAsserts ? await runAsserts(program, spec, signal) : undefined;
  if (a && a.status !== 'passed') return { ...a, program };
  if (spec.io.length === 0 && a) return { ...a, program };
  const io = await runIo(program, spec, signal);
  if (!a) return { ...io, program };
  const total = a.total + io.total;
  const failure = io.failure ? { ...io.failure, test: io.failure.test + a.total } : undefined;
  return {
    ...io,
    program,
    passed: a.total + io.passed,
    total,
    ...(failure ? { failure } : {}),
    detail: io.status === 'passed' ? `passed ${total}/${total} tests` : io.detail,
    wallMs: a.wallMs + io.wallMs,
  };
}

/** The common verdict shape (stores, curation, eval) for a code verdict. */
export function codeVerdictToVerdict(v: CodeVerdict): Verdict {
  return {
    correct: v.status === 'passed',
    extracted: v.program,
    extractor: v.program === null ? null : 'code-block',
    method: `code:${v.status}`,
    verifierVersion: VERIFIER_VERSION,
    detail: v.detail,
    code: {
      status: v.status,
      passed: v.passed,
      total: v.total,
      ...(v.failure ? { failure: v.failure } : {}),
      ...(v.stdout !== undefined ? { stdout: v.stdout } : {}),
      ...(v.stderr !== undefined ? { stderr: v.stderr } : {}),
      wallMs: v.wallMs,
    },
  };
}
