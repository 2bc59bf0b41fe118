import type Database from 'better-sqlite3';
import { now, prepared, writeTransaction } from './statements.ts';

/** The teacher's top-K for every token of one sequence (row 0, the first token, has no prefix: ids −1). */
export interface TeacherScoreRow {
  teacherSha256: string;
  sequenceSha256: string;
  topK: number;
  nTokens: number;
  /** int32, nTokens × topK. */
  ids: Int32Array;
  /** float32, nTokens × topK. */
  logprobs: Float32Array;
}

interface RawRow {
  sequence_sha256: string;
  n_tokens: number;
  ids: Buffer;
  logprobs: Buffer;
}

/** A typed array over a copy of a BLOB (a Buffer may sit at an offset typed arrays cannot be aligned to). */
function int32s(b: Buffer): Int32Array {
  return new Int32Array(Uint8Array.from(b).buffer);
}
function float32s(b: Buffer): Float32Array {
  return new Float32Array(Uint8Array.from(b).buffer);
}

/** The cached scores among `sequenceSha256s` for this teacher and K, by sequence hash. */
export function getTeacherScores(
  db: Database.Database,
  teacherSha256: string,
  topK: number,
  sequenceSha256s: readonly string[],
): Map<string, TeacherScoreRow> {
  const get = prepared<[string, string, number], RawRow>(
    db,
    `SELECT sequence_sha256, n_tokens, ids, logprobs FROM teacher_scores
      WHERE teacher_sha256 = ? AND sequence_sha256 = ? AND top_k = ?`,
  );
  const out = new Map<string, TeacherScoreRow>();
  for (const h of new Set(sequenceSha256s)) {
    const r = get.get(teacherSha256, h, topK);
    if (r)
      out.set(h, {
        teacherSha256,
        sequenceSha256: h,
        topK,
        nTokens: r.n_tokens,
        ids: int32s(r.ids),
        logprobs: float32s(r.logprobs),
      });
  }
  return out;
}

/** Store scores (one transaction; an existing row for the same key is kept: scores of a key never change). */
export function putTeacherScores(db: Database.Database, rows: readonly TeacherScoreRow[]): void {
  const put = prepared(
    db,
    `INSERT OR IGNORE INTO teacher_scores
       (teacher_sha256, sequence_sha256, top_k, n_tokens, ids, logprobs, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = now();
  writeTransaction(db, () => {
    for (const r of rows)
      put.run(
        r.teacherSha256,
        r.sequenceSha256,
        r.topK,
        r.nTokens,
        Buffer.from(r.ids.buffer, r.ids.byteOffset, r.ids.byteLength),
        Buffer.from(r.logprobs.buffer, r.logprobs.byteOffset, r.logprobs.byteLength),
        at,
      );
  });
}

/** How many sequences are cached for a teacher (all K). */
export function countTeacherScores(db: Database.Database, teacherSha256: string): number {
  const r = prepared<[string], { n: number }>(
    db,
    'SELECT count(*) AS n FROM teacher_scores WHERE teacher_sha256 = ?',
  ).get(teacherSha256);
  return r?.n ?? 0;
}
