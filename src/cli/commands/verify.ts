import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import type { Verdict } from '../../core/verdict.ts';
import { runCodeVerify } from '../../verify/code/cli-verify-code.ts';
import {
  DEFAULT_VERIFY_TIMEOUT_MS,
  readVerifyPairs,
  VerifyKindSchema,
  verifyAnswer,
  verifyBatch,
} from '../../verify/index.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';

function line(v: Verdict): string {
  const mark = v.correct ? '✓ correct' : '✗ incorrect';
  if (v.extracted === null) return `${mark} — ${v.detail ?? 'no answer found'}`;
  const found = `extracted ${JSON.stringify(v.extracted)} (${v.extractor})`;
  return `${mark} — ${found}, ${v.method}${v.detail ? ` — ${v.detail}` : ''}`;
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
    concurrency: { type: 'string', description: 'Worker threads for --batch (default 1)' },
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
    if (args.batch) {
      const pairs = readVerifyPairs(args.batch).map((p) => ({ kind, ...p }));
      const { signal, dispose } = interruptSignal();
      let correct = 0;
      try {
        await verifyBatch(pairs, {
          timeoutMs,
          concurrency: intArg(args.concurrency, 'concurrency', 1, 1),
          signal,
          onVerdict: (i, v) => {
            if (v.correct) correct++;
            emit(args.json, v, () => `${i + 1}\t${line(v)}`);
          },
        });
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
    const verdict = verifyAnswer({ gold: args.gold, pred: args.pred, kind, timeoutMs });
    emit(args.json, verdict, () => `${line(verdict)}\n${JSON.stringify(verdict)}`);
  },
});
