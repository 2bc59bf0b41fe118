import { sha256, stableId } from '../core/hash.ts';

/**
 * The deterministic key of sample `sampleIdx` of `problemId` in run `runId`. Generation uses it as the request
 * key too, so re-running a command finds what is done and never duplicates.
 */
export function sampleKey(runId: string, problemId: string, sampleIdx: number): string {
  return stableId('sample', runId, problemId, sampleIdx);
}

/** SHA-256 of a reply's reasoning and answer (the `contentSha256` of a Sample). */
export function contentSha256(reasoning: string, answer: string): string {
  return sha256(`${reasoning}\u0000${answer}`);
}
