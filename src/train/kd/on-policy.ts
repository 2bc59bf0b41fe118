import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatAssistantWithThinking } from '../../core/chat-format.ts';
import { AbortedError } from '../../core/errors/aborted-error.ts';
import { mulberry32 } from '../../core/seeded-random.ts';
import { loadModel } from '../../runtime/local-model.ts';
import type { TrainOptions } from '../train-options.ts';
import { readTrainingRows, resolveDataFiles, type TrainingRow } from '../training-rows.ts';
import type { WorkerEvent } from '../worker-events.ts';

export interface OnPolicyRound {
  round: number;
  rounds: number;
  /** Student GGUF that samples this round. */
  student: string;
  /** Chat-format JSONL the round trains on (student samples, plus teacher traces for 1 − lambda of the rows). */
  data: string;
  steps: number;
  /** Steps of the earlier rounds, and of all rounds: where this round sits in the run's one LR schedule. */
  offset: number;
  totalSteps: number;
  onPolicyRows: number;
  sampleSeconds: number;
}

/** What one round needs from its caller: train `steps` steps on `data` from `base`, write `out`. */
export type TrainRound = (round: OnPolicyRound, out: string) => Promise<void>;

/**
 * On-policy distillation as rounds (ADR 0009): the current student (a GGUF) samples completions for a batch of
 * training prompts through the runtime, the teacher scores every sampled token (top-K, as for forward-kl), and the
 * worker trains `kdRoundSteps` steps on them with the generalized JSD (`kdBeta`, 1 = per-token reverse KL); its
 * output GGUF samples the next round. `kdLambda` of the rows are the student's samples, the rest the teacher's own
 * traces (GKD's mix). Deterministic: prompts and sample seeds come from `seed` and the round number.
 */
export async function runOnPolicy(
  o: TrainOptions,
  ctx: { base: string; runDir: string; out: string; emit: (e: WorkerEvent) => void; signal?: AbortSignal },
  trainRound: TrainRound,
): Promise<void> {
  const rows: TrainingRow[] = [];
  for await (const r of readTrainingRows(await resolveDataFiles(o.data), ctx.signal)) rows.push(r);
  const total = o.maxSteps > 0 ? o.maxSteps : o.kdRoundSteps * Math.ceil(rows.length / o.kdRoundPrompts);
  const rounds = Math.max(1, Math.ceil(total / o.kdRoundSteps));
  let student = ctx.base;
  for (let round = 1; round <= rounds; round++) {
    if (ctx.signal?.aborted) throw new AbortedError('on-policy training was interrupted');
    const rand = mulberry32((o.seed * 7919 + round) >>> 0);
    const picked = Array.from({ length: Math.min(o.kdRoundPrompts, rows.length) }, () =>
      Math.floor(rand() * rows.length),
    );
    const onPolicy = picked.map(() => rand() < o.kdLambda);
    const t0 = Date.now();
    const model = await loadModel(student, { slots: 16 });
    let traces: Awaited<ReturnType<typeof model.generateBatch>>;
    try {
      const asks = picked.filter((_, i) => onPolicy[i]);
      traces = await model.generateBatch(
        asks.map((i, n) => ({
          messages: [{ role: 'user' as const, content: (rows[i] as TrainingRow).prompt }],
          maxTokens: o.kdMaxTokens,
          temperature: 1,
          topP: 1,
          seed: (o.seed * 1_000_003 + round * 10_007 + n) >>> 0,
        })),
        ctx.signal ? { signal: ctx.signal } : {},
      );
    } finally {
      await model.dispose();
    }
    let next = 0;
    const lines = picked.map((i, n) => {
      const row = rows[i] as TrainingRow;
      const t = onPolicy[n] ? traces[next++] : undefined;
      const reasoning = t ? t.reasoning : row.reasoning;
      const answer = t ? t.answer : row.answer;
      return JSON.stringify({
        messages: [
          { role: 'user', content: row.prompt },
          { role: 'assistant', content: formatAssistantWithThinking(reasoning, answer) },
        ],
      });
    });
    const dir = join(ctx.runDir, `round-${round}`);
    await mkdir(dir, { recursive: true });
    const data = join(dir, 'samples.jsonl');
    await writeFile(data, `${lines.join('\n')}\n`);
    const info: OnPolicyRound = {
      round,
      rounds,
      student,
      data,
      steps: Math.min(o.kdRoundSteps, total - (round - 1) * o.kdRoundSteps),
      offset: (round - 1) * o.kdRoundSteps,
      totalSteps: total,
      onPolicyRows: traces.length,
      sampleSeconds: (Date.now() - t0) / 1000,
    };
    ctx.emit({ type: 'on-policy-round', ...info });
    const out = join(dir, 'student.gguf');
    await trainRound(info, out);
    student = out;
  }
  await copyFile(student, ctx.out);
}
