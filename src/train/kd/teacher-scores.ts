import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AbortedError } from '../../core/errors/aborted-error.ts';
import { sha256 } from '../../core/hash.ts';
import type { Store } from '../../store/store.ts';
import {
  getTeacherScores,
  putTeacherScores,
  type TeacherScoreRow,
} from '../../store/teacher-score-queries.ts';
import type { TeacherScorer } from './teacher-scorer.ts';

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
  /** The teacher (a local GGUF or an HTTP server, see teacher-scorer.ts). */
  scorer: TeacherScorer;
  /** Tokenised dataset folder (tokens.bin, offsets.bin, meta.json with sha256). */
  dataDir: string;
  /** Output folder: the worker's input, written whole each time. */
  outDir: string;
  /** The cache: scores of a (teacher, token sequence, K) already in the store are read, not scored again. */
  store?: Store;
  /** Alternatives per position. Defaults to 20. */
  topK?: number;
  /** Documents per scorer call (and per store write). Defaults to 32. */
  docsPerCall?: number;
  onProgress?: (docs: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ScoredDataset {
  dir: string;
  meta: TeacherScoresMeta;
  /** True when every document's scores came from the store (nothing was scored). */
  cached: boolean;
  /** Documents the teacher scored now / read from the store. */
  scoredDocs: number;
  cachedDocs: number;
  seconds: number;
}

/** SHA-256 of a token sequence (int32 little-endian), the store's key for its scores. */
export function sequenceSha256(tokens: Int32Array): string {
  return sha256(new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength));
}

/**
 * Score every document of a tokenised dataset with the teacher (teacher-forced) and write, per token, the teacher's
 * top-K next-token ids and log-probabilities for that token given the tokens before it: `ids.bin` (int32,
 * nTokens × K; −1 on each document's first token, which has no prefix, and past the alternatives a server
 * returned), `logprobs.bin` (float32, nTokens × K) and `meta.json`. With a store, each document's scores are
 * cached under (teacher SHA-256, token-sequence SHA-256, K): a rerun, or another run over the same documents,
 * reads them instead of scoring.
 */
export async function scoreDataset(options: ScoreDatasetOptions): Promise<ScoredDataset> {
  const t0 = Date.now();
  const topK = options.topK ?? 20;
  const { scorer, store } = options;
  const dataMeta = z
    .object({ sha256: z.string(), nTokens: z.number().int(), nDocs: z.number().int() })
    .parse(JSON.parse(await readFile(join(options.dataDir, 'meta.json'), 'utf8')));
  const meta: TeacherScoresMeta = {
    version: 1,
    teacherSha256: scorer.sha256,
    dataSha256: dataMeta.sha256,
    topK,
    nTokens: dataMeta.nTokens,
  };
  const tokensBuf = await readFile(join(options.dataDir, 'tokens.bin'));
  const offBuf = await readFile(join(options.dataDir, 'offsets.bin'));
  // Copies: a small file's Buffer may sit in Node's pool at an offset typed arrays cannot be aligned to.
  const tokens = new Int32Array(Uint8Array.from(tokensBuf).buffer);
  const offsets = new BigInt64Array(Uint8Array.from(offBuf).buffer);
  const ids = new Int32Array(dataMeta.nTokens * topK).fill(-1);
  const lps = new Float32Array(dataMeta.nTokens * topK);

  const docs = Array.from({ length: dataMeta.nDocs }, (_, d) => {
    const start = Number(offsets[d]);
    const seq = tokens.subarray(start, Number(offsets[d + 1]));
    return { start, seq, hash: sequenceSha256(seq) };
  });
  const have = store
    ? getTeacherScores(
        store.db,
        scorer.sha256,
        topK,
        docs.map((d) => d.hash),
      )
    : new Map<string, TeacherScoreRow>();
  const todo: typeof docs = [];
  for (const d of docs) {
    const row = have.get(d.hash);
    if (row && row.nTokens === d.seq.length) {
      ids.set(row.ids, d.start * topK);
      lps.set(row.logprobs, d.start * topK);
    } else todo.push(d);
  }
  options.onProgress?.(docs.length - todo.length, docs.length);

  // Each distinct sequence is scored once (exported data may repeat a document).
  const unique = [...new Map(todo.map((d) => [d.hash, d])).values()];
  const fresh = new Map<string, TeacherScoreRow>();
  const per = Math.max(1, options.docsPerCall ?? 32);
  for (let d0 = 0; d0 < unique.length; d0 += per) {
    if (options.signal?.aborted) throw new AbortedError('scoring the training data was interrupted');
    const chunk = unique.slice(d0, d0 + per);
    const scored = await scorer.score(
      chunk.map((d) => Array.from(d.seq)),
      topK,
      options.signal,
    );
    const rows = chunk.map((d, i): TeacherScoreRow => {
      const docIds = new Int32Array(d.seq.length * topK).fill(-1);
      const docLps = new Float32Array(d.seq.length * topK);
      for (const p of scored[i] ?? [])
        p.top.forEach((t, k) => {
          docIds[p.index * topK + k] = t.token;
          docLps[p.index * topK + k] = t.logprob;
        });
      return {
        teacherSha256: scorer.sha256,
        sequenceSha256: d.hash,
        topK,
        nTokens: d.seq.length,
        ids: docIds,
        logprobs: docLps,
      };
    });
    if (store) putTeacherScores(store.db, rows);
    for (const r of rows) fresh.set(r.sequenceSha256, r);
    options.onProgress?.(docs.length - todo.length + Math.min(unique.length, d0 + per), docs.length);
  }
  for (const d of todo) {
    const r = fresh.get(d.hash) as TeacherScoreRow;
    ids.set(r.ids, d.start * topK);
    lps.set(r.logprobs, d.start * topK);
  }

  const tmp = `${options.outDir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'ids.bin'), Buffer.from(ids.buffer));
  await writeFile(join(tmp, 'logprobs.bin'), Buffer.from(lps.buffer));
  await writeFile(join(tmp, 'meta.json'), JSON.stringify(meta));
  await rm(options.outDir, { recursive: true, force: true });
  await rename(tmp, options.outDir);
  return {
    dir: options.outDir,
    meta,
    cached: todo.length === 0,
    scoredDocs: unique.length,
    cachedDocs: docs.length - todo.length,
    seconds: (Date.now() - t0) / 1000,
  };
}
