import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AbortedError } from '../../core/errors/aborted-error.ts';
import { fileSha256 } from '../../core/hash.ts';
import { NativeModel } from '../../runtime/native-model.ts';
import { scoreSequences } from '../../runtime/score.ts';

/** The teacher's top-K for every token of a tokenised dataset, as the worker reads it (see kd_data.py). */
export const TeacherScoresMetaSchema = z.object({
  version: z.literal(1),
  teacherSha256: z.string(),
  dataSha256: z.string(),
  topK: z.number().int().positive(),
  nTokens: z.number().int().min(0),
});
export type TeacherScoresMeta = z.infer<typeof TeacherScoresMetaSchema>;

export interface ScoreDatasetOptions {
  /** Teacher GGUF. */
  teacher: string;
  /** Tokenised dataset folder (tokens.bin, offsets.bin, meta.json with sha256). */
  dataDir: string;
  /** Output folder; reused as is when it holds the scores of the same teacher, data and K (a cache). */
  outDir: string;
  /** Alternatives per position. Defaults to 20. */
  topK?: number;
  /** Documents per scoring call (they share llama_decode batches). Defaults to 32. */
  docsPerCall?: number;
  /** CPU threads. Defaults to 1. */
  threads?: number;
  onProgress?: (docs: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ScoredDataset {
  dir: string;
  meta: TeacherScoresMeta;
  /** True when the scores came from the cache (nothing was scored). */
  cached: boolean;
  seconds: number;
}

async function readMeta(dir: string): Promise<TeacherScoresMeta | undefined> {
  const raw = await readFile(join(dir, 'meta.json'), 'utf8').catch(() => undefined);
  if (raw === undefined) return undefined;
  const parsed = TeacherScoresMetaSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Score every document of a tokenised dataset with a GGUF teacher (teacher-forced, batched through the runtime's
 * `scoreSequences`) and write, per token, the teacher's top-K next-token ids and log-probabilities for that token
 * given the tokens before it: `ids.bin` (int32, nTokens × K; −1 on each document's first token, which has no
 * prefix), `logprobs.bin` (float32, nTokens × K) and `meta.json`. The folder is keyed by (teacher SHA-256, data
 * SHA-256, K): a rerun with the same three reuses it and pays nothing.
 */
export async function scoreDataset(options: ScoreDatasetOptions): Promise<ScoredDataset> {
  const t0 = Date.now();
  const topK = options.topK ?? 20;
  const dataMeta = z
    .object({ sha256: z.string(), nTokens: z.number().int(), nDocs: z.number().int() })
    .parse(JSON.parse(await readFile(join(options.dataDir, 'meta.json'), 'utf8')));
  const teacherSha256 = await fileSha256(options.teacher);
  const want: TeacherScoresMeta = {
    version: 1,
    teacherSha256,
    dataSha256: dataMeta.sha256,
    topK,
    nTokens: dataMeta.nTokens,
  };
  const have = await readMeta(options.outDir);
  if (have && JSON.stringify(have) === JSON.stringify(want))
    return { dir: options.outDir, meta: have, cached: true, seconds: (Date.now() - t0) / 1000 };

  const tokensBuf = await readFile(join(options.dataDir, 'tokens.bin'));
  const offBuf = await readFile(join(options.dataDir, 'offsets.bin'));
  // Copies: a small file's Buffer may sit in Node's pool at an offset typed arrays cannot be aligned to.
  const tokens = new Int32Array(Uint8Array.from(tokensBuf).buffer);
  const offsets = new BigInt64Array(Uint8Array.from(offBuf).buffer);
  const ids = new Int32Array(dataMeta.nTokens * topK).fill(-1);
  const lps = new Float32Array(dataMeta.nTokens * topK);
  const model = NativeModel.load(options.teacher);
  const per = Math.max(1, options.docsPerCall ?? 32);
  try {
    for (let d0 = 0; d0 < dataMeta.nDocs; d0 += per) {
      if (options.signal?.aborted) throw new AbortedError('scoring the training data was interrupted');
      const docs: { start: number; seq: number[] }[] = [];
      for (let d = d0; d < Math.min(dataMeta.nDocs, d0 + per); d++) {
        const a = Number(offsets[d]);
        const b = Number(offsets[d + 1]);
        docs.push({ start: a, seq: Array.from(tokens.subarray(a, b)) });
      }
      const scored = await scoreSequences(
        model,
        docs.map((d) => d.seq),
        { topK, threads: options.threads ?? 1 },
      );
      scored.forEach((positions, i) => {
        const start = (docs[i] as { start: number }).start;
        for (const p of positions) {
          const at = (start + p.index) * topK;
          p.top.forEach((t, k) => {
            ids[at + k] = t.token;
            lps[at + k] = t.logprob;
          });
        }
      });
      options.onProgress?.(Math.min(dataMeta.nDocs, d0 + per), dataMeta.nDocs);
    }
  } finally {
    model.free();
  }
  const tmp = `${options.outDir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'ids.bin'), Buffer.from(ids.buffer));
  await writeFile(join(tmp, 'logprobs.bin'), Buffer.from(lps.buffer));
  await writeFile(join(tmp, 'meta.json'), JSON.stringify(want));
  await rm(options.outDir, { recursive: true, force: true });
  await rename(tmp, options.outDir);
  return { dir: options.outDir, meta: want, cached: false, seconds: (Date.now() - t0) / 1000 };
}
