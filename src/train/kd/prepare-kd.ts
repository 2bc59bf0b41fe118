import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { openStore } from '../../store/open-store.ts';
import { resolveStorePath } from '../../store/store-path.ts';
import { kdAlphaOf, type TrainOptions } from '../train-options.ts';
import type { WorkerEvent } from '../worker-events.ts';
import { isHttpTeacher, openTeacherScorer } from './teacher-scorer.ts';
import { scoreDataset } from './teacher-scores.ts';

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
 * Everything the logit-level modes need before the worker starts: the same-tokenizer check (vocab hash for a GGUF,
 * a probe tokenisation for a server; up front) and the teacher's top-K scores of every training token (cached in
 * the store by teacher, token sequence and K). `sft` needs nothing and only records its mode.
 */
export async function prepareKd(o: TrainOptions, p: PrepareKdOptions): Promise<KdSetup> {
  if (o.kd === 'sft') return { config: { kd: 'sft' }, metadata: { kd: 'sft' } };
  // The worker is not running yet: local scoring may use every core (as --threads 0 lets torch do).
  const scorer = await openTeacherScorer(o.kdTeacher ?? '', {
    threads: o.threads > 0 ? o.threads : availableParallelism(),
  });
  const store = openStore(resolveStorePath({ flag: o.store }));
  let scored: Awaited<ReturnType<typeof scoreDataset>>;
  try {
    await scorer.requireSameTokenizer(p.student, o.kd);
    p.emit({ type: 'phase', phase: 'score' });
    scored = await scoreDataset({
      scorer,
      store,
      dataDir: p.dataDir,
      outDir: join(p.runDir, 'teacher-scores'),
      topK: o.kdTopK,
      onProgress: (docs, total) => p.emit({ type: 'scoring', docs, total }),
      ...(p.signal ? { signal: p.signal } : {}),
    });
  } finally {
    store.close();
    await scorer.close();
  }
  p.emit({
    type: 'scored',
    cached: scored.cached,
    scoredDocs: scored.scoredDocs,
    cachedDocs: scored.cachedDocs,
    seconds: scored.seconds,
    topK: scored.meta.topK,
  });
  const common = {
    kd: o.kd,
    kd_teacher: isHttpTeacher(o.kdTeacher ?? '') ? scorer.label : basename(scorer.label),
    kd_teacher_sha256: scored.meta.teacherSha256,
    kd_top_k: o.kdTopK,
    kd_alpha: kdAlphaOf(o),
    kd_temperature: o.kdTemperature,
  };
  const onPolicy: Record<string, number> =
    o.kd === 'on-policy' ? { kd_beta: o.kdBeta, kd_lambda: o.kdLambda } : {};
  return {
    config: {
      kd: o.kd,
      kdScores: scored.dir,
      kdAlpha: kdAlphaOf(o),
      kdTemperature: o.kdTemperature,
      kdBeta: o.kdBeta,
      kdLambda: o.kdLambda,
    },
    metadata: { ...common, ...onPolicy },
  };
}
