import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import type { Verdict } from '../../core/verdict.ts';
import { runCodeVerify } from '../../verify/code/cli-verify-code.ts';
import {
  DEFAULT_VERIFY_TIMEOUT_MS,
  readVerifyPairs,
  type VerifyInput,
  VerifyKindSchema,
  verifyAnswer,
  verifyBatch,
} from '../../verify/index.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { openMathVerifyPool, type VerifierName, verifierArg, verifierName } from '../verifier.ts';

function line(v: Verdict): string {
  const mark = v.correct ? '✓ correct' : '✗ incorrect';
  if (v.extracted === null) return `${mark} — ${v.detail ?? 'no answer found'}`;
  const found = `extracted ${JSON.stringify(v.extracted)} (${v.extractor})`;
  return `${mark} — ${found}, ${v.method}${v.detail ? ` — ${v.detail}` : ''}`;
}

interface RunOptions {
  timeoutMs: number;
  concurrency: number;
  signal?: AbortSignal;
  onVerdict?: (i: number, v: Verdict) => void;
}

/** Check pairs with one verifier; verdicts in input order. */
async function runVerifier(name: VerifierName, pairs: VerifyInput[], o: RunOptions): Promise<Verdict[]> {
  if (name === 'ts') {
    return verifyBatch(pairs, {
      timeoutMs: o.timeoutMs,
      concurrency: o.concurrency,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onVerdict ? { onVerdict: o.onVerdict } : {}),
    });
  }
  const pool = await openMathVerifyPool({
    workers: o.concurrency,
    timeoutMs: o.timeoutMs,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  try {
    return await pool.checkMany(pairs, {
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onVerdict ? { onVerdict: o.onVerdict } : {}),
    });
  } finally {
    pool.close();
  }
}

/** Run two verifiers on the same pairs; print the agreement and every disagreement. */
async function compareVerifiers(
  pairs: VerifyInput[],
  a: VerifierName,
  b: VerifierName,
  o: { timeoutMs: number; concurrency: number; json: boolean | undefined },
): Promise<void> {
  const { signal, dispose } = interruptSignal();
  try {
    const first = await runVerifier(a, pairs, { ...o, signal });
    const second = await runVerifier(b, pairs, { ...o, signal });
    const disagreements = pairs.flatMap((p, i) => {
      const x = first[i];
      const y = second[i];
      if (!x || !y || x.correct === y.correct) return [];
      return [{ line: i + 1, gold: p.gold, pred: p.pred, [a]: x, [b]: y }];
    });
    const agreement = pairs.length === 0 ? 1 : 1 - disagreements.length / pairs.length;
    const summary = {
      pairs: pairs.length,
      agree: pairs.length - disagreements.length,
      agreement,
      correct: { [a]: first.filter((v) => v.correct).length, [b]: second.filter((v) => v.correct).length },
      disagreements,
    };
    emit(o.json, summary, () => {
      const out = [
        `${a} vs ${b}: ${summary.agree}/${pairs.length} agree (${(100 * agreement).toFixed(2)}%); ` +
          `correct: ${a} ${summary.correct[a]}, ${b} ${summary.correct[b]}`,
      ];
      for (const d of disagreements) {
        const x = d[a] as Verdict;
        const y = d[b] as Verdict;
        const short = (t: string) => JSON.stringify(t.length > 80 ? `…${t.slice(-77)}` : t);
        out.push(
          `line ${d.line}: gold ${short(d.gold)} pred ${short(d.pred)}\n` +
            `  ${a}: ${line(x)}\n  ${b}: ${line(y)}`,
        );
      }
      return out.join('\n');
    });
  } finally {
    dispose();
  }
}

/** `distill verify`: check one answer (--gold/--pred) or a JSONL batch against gold answers. */
export const command = defineCommand({
  meta: {
    name: 'verify',
    description: 'Check answers against gold answers (Math-Verify-style equivalence); prints verdicts',
  },
  args: {
    gold: { type: 'string', description: 'Gold answer, e.g. \\frac{14}{3}' },
    pred: { type: 'string', description: 'Model reply or answer; the answer is extracted from it' },
    batch: {
      type: 'string',
      description: 'JSONL file of {"gold","pred"} lines; one verdict per line, same order',
    },
    kind: { type: 'string', description: 'math | exact | choice | code (default math)' },
    tests: {
      type: 'string',
      description: 'With --kind code: JSON file of the tests (entryPoint, asserts, check, io, limits)',
    },
    timeout: {
      type: 'string',
      description: `Time limit per check in ms (default ${DEFAULT_VERIFY_TIMEOUT_MS})`,
    },
    concurrency: {
      type: 'string',
      description: 'Worker threads (Math-Verify: processes) for --batch (default 1)',
    },
    ...verifierArg,
    'compare-with': {
      type: 'string',
      description:
        'With --batch: also run this verifier (math-verify) and print the agreement and disagreements',
    },
    ...jsonArg,
  },
  run: async ({ args }) => {
    if (args.kind === 'code') {
      if (args.tests === undefined || args.pred === undefined)
        throw new InvalidInputError('--kind code needs --tests FILE and --pred REPLY', {
          hint: 'distill verify --kind code --tests tests.json --pred "$(cat reply.md)"',
        });
      const verdict = await runCodeVerify(args.pred, args.tests);
      emit(
        args.json,
        verdict,
        () => `${verdict.status === 'passed' ? '✓' : '✗'} ${verdict.status} — ${verdict.detail}`,
      );
      return;
    }
    if (args.tests !== undefined) throw new InvalidInputError('--tests needs --kind code');
    const kindParsed = VerifyKindSchema.safeParse(args.kind ?? 'math');
    if (!kindParsed.success)
      throw new InvalidInputError(`--kind must be math, exact, choice or code, got '${args.kind}'`);
    const kind = kindParsed.data;
    const timeoutMs = intArg(args.timeout, 'timeout', DEFAULT_VERIFY_TIMEOUT_MS, 1);
    const verifier = verifierName(args.verifier);
    const concurrency = intArg(args.concurrency, 'concurrency', 1, 1);
    if (args['compare-with'] !== undefined) {
      const other = verifierName(args['compare-with'], 'compare-with');
      if (!args.batch) throw new InvalidInputError('--compare-with needs --batch FILE');
      if (other === verifier)
        throw new InvalidInputError(`--compare-with ${other} compares ${other} with itself`, {
          hint: 'e.g. distill verify --batch pairs.jsonl --compare-with math-verify',
        });
      const pairs = readVerifyPairs(args.batch).map((p) => ({ kind, ...p }));
      await compareVerifiers(pairs, verifier, other, { timeoutMs, concurrency, json: args.json });
      return;
    }
    if (args.batch) {
      const pairs = readVerifyPairs(args.batch).map((p) => ({ kind, ...p }));
      const { signal, dispose } = interruptSignal();
      let correct = 0;
      const onVerdict = (i: number, v: Verdict) => {
        if (v.correct) correct++;
        emit(args.json, v, () => `${i + 1}\t${line(v)}`);
      };
      try {
        await runVerifier(verifier, pairs, { timeoutMs, concurrency, signal, onVerdict });
      } finally {
        dispose();
      }
      if (!args.json) process.stdout.write(`${correct}/${pairs.length} correct\n`);
      return;
    }
    if (args.gold === undefined || args.pred === undefined)
      throw new InvalidInputError('pass --gold and --pred, or --batch FILE', {
        hint: "e.g. distill verify --gold '\\frac{14}{3}' --pred 'so the answer is $\\boxed{14/3}$'",
      });
    const input = { gold: args.gold, pred: args.pred, kind, timeoutMs };
    const verdict =
      verifier === 'ts'
        ? verifyAnswer(input)
        : ((await runVerifier('math-verify', [input], { timeoutMs, concurrency: 1 }))[0] as Verdict);
    emit(args.json, verdict, () => `${line(verdict)}\n${JSON.stringify(verdict)}`);
  },
});
