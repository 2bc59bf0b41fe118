import { createHash, hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex SHA-256 of a string (as UTF-8) or bytes. One-shot `crypto.hash`: a third of a Hash object's cost. */
export function sha256(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** A short, deterministic id from parts (first 16 hex chars of their SHA-256). */
export function stableId(...parts: Array<string | number>): string {
  return sha256(parts.map(String).join('\u0000')).slice(0, 16);
}

/** Hex SHA-256 over the bytes of `files` in order, streamed (weights can be GBs). One file: its SHA-256. */
export async function filesSha256(files: readonly string[], signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files)
    for await (const chunk of createReadStream(file, signal ? { signal } : {})) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Hex SHA-256 of a file, streamed. */
export function fileSha256(path: string, signal?: AbortSignal): Promise<string> {
  return filesSha256([path], signal);
}
