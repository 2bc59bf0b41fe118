import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import type { TrainOptions } from '../train-options.ts';
import type { WorkerEvent } from '../worker-events.ts';
import { scoreDataset } from './teacher-scores.ts';
import { requireSameVocab } from './vocab-hash.ts';

/** What a KD mode adds to the worker config and to the output GGUF's `distill.*` metadata. */
export interface KdSetup {
  config: Record<string, string | number>;
  metadata: Record<string, string | number>;
}

export interface PrepareKdOptions {
  /** The student's starting GGUF (its tokenizer tokenised the data). */
  student: string;
  /** Tokenised dataset folder. */
  dataDir: string;
  runDir: string;
  emit: (event: WorkerEvent) => void;
  signal?: AbortSignal;
}

/**
 * Everything the logit-level modes need before the worker starts: the same-tokenizer check (vocab hash, up
 * front) and the teacher's top-K scores of every training token (cached by teacher, data and K). `sft` needs
 * nothing and only records its mode.
 */
export async function prepareKd(o: TrainOptions, p: PrepareKdOptions): Promise<KdSetup> {
  if (o.kd === 'sft') return { config: { kd: 'sft' }, metadata: { kd: 'sft' } };
  const teacher = resolve(o.kdTeacher ?? '');
  if (!existsSync(teacher))
    throw new NotFoundError('model', `no such teacher model: ${o.kdTeacher}`, {
      hint: 'pass --kd-teacher MODEL.gguf (a local GGUF with the student’s tokenizer)',
    });
  requireSameVocab(p.student, teacher, o.kd);
  p.emit({ type: 'phase', phase: 'score' });
  const scored = await scoreDataset({
    teacher,
    dataDir: p.dataDir,
    outDir: join(p.runDir, 'teacher-scores'),
    topK: o.kdTopK,
    // The worker is not running yet: scoring may use every core (as --threads 0 lets torch do).
    threads: o.threads > 0 ? o.threads : availableParallelism(),
    onProgress: (docs, total) => p.emit({ type: 'scoring', docs, total }),
    ...(p.signal ? { signal: p.signal } : {}),
  });
  p.emit({ type: 'scored', cached: scored.cached, seconds: scored.seconds, topK: scored.meta.topK });
  const common = {
    kd: o.kd,
    kd_teacher_sha256: scored.meta.teacherSha256,
    kd_top_k: o.kdTopK,
    kd_alpha: o.kdAlpha,
    kd_temperature: o.kdTemperature,
  };
  const onPolicy: Record<string, number> =
    o.kd === 'on-policy' ? { kd_beta: o.kdBeta, kd_lambda: o.kdLambda } : {};
  return {
    config: {
      kd: o.kd,
      kdScores: scored.dir,
      kdAlpha: o.kdAlpha,
      kdTemperature: o.kdTemperature,
      kdBeta: o.kdBeta,
      kdLambda: o.kdLambda,
    },
    metadata: { ...common, ...onPolicy },
  };
}
